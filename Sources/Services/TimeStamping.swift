public import Foundation
public import Vouchers

/// How the service time-stamps every signature it makes (issue #16: PAdES B-T, never silently B-B): through an
/// external TSA (`COUNTERSIGN_TSA_URL`), or its own development TSA in process (`COUNTERSIGN_TSA_P12`, default
/// `Certs/tsa.p12`, also served at `POST /tsa`). Either way each reply is checked against the trusted TSA roots
/// (`COUNTERSIGN_TSA_ROOTS`, default `Certs/tsa-root.pem`) before it is used.
public struct TimeStamping: Sendable {
    public let stamper: TimeStamper
    /// The in-process TSA; nil when an external one is used.
    public let local: LocalTimeStampAuthority?

    public init(stamper: TimeStamper, local: LocalTimeStampAuthority?) {
        self.stamper = stamper
        self.local = local
    }

    /// The in-process development TSA of a PKI folder (its `tsa.p12`, trusted through its `tsa-root.pem`).
    public static func development(folder: URL, password: String) throws -> TimeStamping {
        try configure(environment: [
            "COUNTERSIGN_TSA_P12": folder.appendingPathComponent("tsa.p12").path,
            "COUNTERSIGN_TSA_ROOTS": folder.appendingPathComponent("tsa-root.pem").path,
            "COUNTERSIGN_P12_PASSWORD": password,
        ])
    }

    public static func configure(environment: [String: String]) throws -> TimeStamping {
        let rootsFile = environment["COUNTERSIGN_TSA_ROOTS"] ?? "Certs/tsa-root.pem"
        guard let roots = try? String(contentsOfFile: rootsFile, encoding: .utf8) else {
            throw VoucherError(.badSignerFile, "the trusted time-stamping roots \(rootsFile) cannot be read")
        }
        if let address = environment["COUNTERSIGN_TSA_URL"], !address.isEmpty {
            guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
                throw VoucherError(.badInput, "COUNTERSIGN_TSA_URL is not an http(s) URL: \(address)")
            }
            return TimeStamping(stamper: TimeStamper(authority: HTTPTimeStampAuthority(url: url), trustedRootsPEM: roots), local: nil)
        }
        let file = environment["COUNTERSIGN_TSA_P12"] ?? "Certs/tsa.p12"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw VoucherError(.badSignerFile, "no time-stamp authority: \(file) is missing and COUNTERSIGN_TSA_URL is not set")
        }
        let local = LocalTimeStampAuthority(
            signer: try Signer.pkcs12(data, password: environment["COUNTERSIGN_P12_PASSWORD"] ?? DevelopmentPKI.password))
        return TimeStamping(stamper: TimeStamper(authority: local, trustedRootsPEM: roots), local: local)
    }
}

/// An external TSA over HTTP (RFC 3161 §3.4): the query POSTed as `application/timestamp-query`, the reply read as
/// `application/timestamp-reply`, within a deadline. What it answers is checked by ``TimeStamper``.
public struct HTTPTimeStampAuthority: TimeStampAuthority {
    public let url: URL
    public let timeout: TimeInterval

    public init(url: URL, timeout: TimeInterval = 10) {
        self.url = url
        self.timeout = timeout
    }

    public func reply(to query: [UInt8]) async throws -> [UInt8] {
        // A reply with a token and the TSA's certificates is a few kilobytes; anything far larger is not one.
        try await BinaryExchange(
            url: url, timeout: timeout, contentType: "application/timestamp-query", answerType: "application/timestamp-reply",
            maximumBytes: 256 * 1024
        ).send(query)
    }
}
