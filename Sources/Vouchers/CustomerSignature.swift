import CCrypto
import Crypto
public import Foundation
import Kernel

/// The customer's handwritten signature on a voucher, signed with the counter's witness key.
public enum CustomerSignature {
    /// Canonical bytes of drawn strokes (sorted-key JSON with fixed decimals), for the offline tools
    /// (`countersign voucher sign`, `bench seal`) whose strokes were never captured. The service passes the digest
    /// of the capture instead (``sign(_:strokes:strokesSHA256:with:at:)``), so the voucher names the very record the
    /// customer screen made.
    public static func canonicalBytes(_ strokes: [[StrokePoint]]) -> [UInt8] {
        let text = strokes.map { stroke in
            "["
                + stroke.map { String(format: "{\"pressure\":%.3f,\"t\":%.1f,\"x\":%.2f,\"y\":%.2f}", $0.pressure, $0.t, $0.x, $0.y) }.joined(
                    separator: ",")
                + "]"
        }.joined(separator: ",")
        return Array("[\(text)]".utf8)
    }

    /// `strokesSHA256` (hex) is bound into the signed revision, so the stored (encrypted) strokes can later be
    /// matched to this very signature; without it, the digest of ``canonicalBytes(_:)``. PAdES B-B (offline tools).
    public static func sign(
        _ pdf: [UInt8], strokes: [[StrokePoint]], strokesSHA256: String? = nil, with witness: Signer, at time: Date
    ) throws(VoucherError) -> [UInt8] {
        try PAdESSigner.sign(pdf, request: try request(strokes: strokes, strokesSHA256: strokesSHA256, at: time), signer: witness)
    }

    /// The same with a signature time-stamp (PAdES B-T), as the service signs.
    public static func sign(
        _ pdf: [UInt8], strokes: [[StrokePoint]], strokesSHA256: String? = nil, with witness: Signer, at time: Date, timeStamper: TimeStamper,
        executor: some BlockingExecutor = .inPlace
    ) async throws -> [UInt8] {
        try await PAdESSigner.sign(
            pdf, request: try request(strokes: strokes, strokesSHA256: strokesSHA256, at: time), signer: witness, timeStamper: timeStamper,
            executor: executor)
    }

    static func request(strokes: [[StrokePoint]], strokesSHA256: String?, at time: Date) throws(VoucherError) -> SignatureRequest {
        let points = strokes.reduce(0) { $0 + $1.count }
        guard points >= 10, points <= 20_000 else { throw VoucherError(.badInput, "a signature needs 10 to 20,000 points (got \(points))") }
        for point in strokes.joined() {
            guard point.x.isFinite, point.y.isFinite, abs(point.x) <= 100_000, abs(point.y) <= 100_000, point.t.isFinite, point.t >= 0,
                (0...1).contains(point.pressure)
            else { throw VoucherError(.badInput, "stroke points need finite x and y within ±100000, t ≥ 0 and pressure in 0…1") }
        }
        let digest = strokesSHA256 ?? SHA256Hash.sha256(of: canonicalBytes(strokes)).hex
        return SignatureRequest(
            fieldName: "CustomerSignature", rect: (x: 310, y: 24, width: 150, height: 50), appearance: .strokes(strokes), time: time,
            signerName: "客户签名 Customer signature", reason: "客户确认 Customer confirmation",
            extraEntries: ["CountersignStrokesSHA256": digest])
    }
}

/// The bank's e-seal, stamped last over the voucher.
public enum BankSeal {
    /// `sealID` (the registry's id) is written into the signed dictionary, so a verifier can name the seal.
    /// `face`, when given, is what the visible seal says (the bank's name along the arc, the seal's across).
    /// PAdES B-B (offline tools).
    public static func stamp(
        _ pdf: [UInt8], with seal: Signer, name: String, sealID: String? = nil, face: SealFace? = nil, at time: Date
    ) throws(VoucherError) -> [UInt8] {
        try PAdESSigner.sign(pdf, request: request(name: name, sealID: sealID, face: face, at: time), signer: seal)
    }

    /// The same with a signature time-stamp (PAdES B-T), as the service seals.
    public static func stamp(
        _ pdf: [UInt8], with seal: Signer, name: String, sealID: String? = nil, face: SealFace? = nil, at time: Date, timeStamper: TimeStamper,
        executor: some BlockingExecutor = .inPlace
    ) async throws -> [UInt8] {
        try await PAdESSigner.sign(
            pdf, request: request(name: name, sealID: sealID, face: face, at: time), signer: seal, timeStamper: timeStamper, executor: executor)
    }

    static func request(name: String, sealID: String?, face: SealFace?, at time: Date) -> SignatureRequest {
        SignatureRequest(
            fieldName: "BankSeal", rect: (x: 470, y: 14, width: 88, height: 88), appearance: .seal(face), time: time, signerName: name,
            reason: "电子印章 Bank e-seal", extraEntries: sealID.map { ["CountersignSealID": $0] } ?? [:])
    }
}
