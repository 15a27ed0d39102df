public import Accounts
import Audit
import Counter
import Crypto
import Foundation
public import Kernel
public import Storage
import Vouchers

/// The end of the counter, and the only way a voucher is made: the confirmed, signed, booked and committed draft
/// becomes a voucher (rendered from the committed payload, signed with the strokes the customer screen captured,
/// sealed with the branch's seal), and the customer gets a link to it.
public struct ReceiptDesk: Sendable {
    let database: Database
    let counter: CounterDesk
    let vouchers: VoucherDesk
    let time: any TimeSource
    public static let lifetimeSeconds = 30 * 86_400

    public init(database: Database, counter: CounterDesk, vouchers: VoucherDesk, time: any TimeSource = SystemTime()) {
        self.database = database
        self.counter = counter
        self.vouchers = vouchers
        self.time = time
    }

    public struct Issued: Sendable, Encodable {
        public let voucher: String
        public let receipt: String
        public let expiresAt: String
        enum CodingKeys: String, CodingKey {
            case voucher, receipt
            case expiresAt = "expires_at"
        }
    }

    /// The seal is the one the registry gives the transaction's form at its branch (migration 0025), never one the
    /// teller names.
    public func finish(session: Int64, user: UserIdentity, terminal: String?) async throws -> Issued {
        // Everything is read from the database, so any instance finishes what any other booked, after a restart too;
        // each step below is resumed, never repeated, and asking again after a receipt gives a new link to the same
        // voucher.
        let recorded = try await database.read { try await CounterStore.bookedVersion(session: session, teller: user.id, in: $0) }
        guard let version = recorded else {
            // Not booked: say what is missing.
            let draft = try await counter.ownDraft(session, user: user)
            guard draft.state == .signed else {
                throw CounterError(.notSigned, "the customer has not confirmed and signed this transaction (\(draft.state))")
            }
            throw CounterError(.notCommitted, "book the signed transaction and commit it before the receipt / 请先提交记账并完成记账")
        }
        // Only a booked and committed transaction gets a receipt; the database refuses the receipt otherwise too.
        let booked = try await database.read { try await CounterStore.bookedTransaction(session: session, version: version, in: $0) }
        guard let booked, booked.state == .committed else {
            throw CounterError(
                .notCommitted,
                booked.map {
                    "transaction \($0.id) is not committed yet: commit it (after its authorization) before the receipt / 交易 \($0.id) 尚未记账，请先完成授权并记账"
                }
                    ?? "book the signed transaction and commit it before the receipt / 请先提交记账并完成记账")
        }
        // Made from the committed transaction, step by step; a step that failed is resumed, never repeated (one
        // voucher per transaction, in the database too).
        guard let source = try await database.read({ try await VoucherStore.source(transaction: booked.id, in: $0) }) else {
            throw CounterError(
                .notCommitted,
                "transaction \(booked.id) is not a committed counter transaction / 交易 \(booked.id) 不是已记账的柜面交易")
        }
        // The customer's confirmation and signature are the enrolled screen's, for exactly this transaction.
        guard let screen = source.screen, ScreenEvidence.holds(screen) else {
            throw VoucherDeskError(
                .noScreenStatement,
                "transaction \(booked.id) has no customer-screen statements that check out; it cannot become a voucher / 交易 \(booked.id) 缺少可核验的客户屏签名声明，不能生成凭证"
            )
        }
        guard let sealID = try await database.read({ try await SealStore.seal(forForm: source.code, branch: source.branch, in: $0) }) else {
            throw VoucherDeskError(
                .noSeal,
                "the seal registry gives form \(source.code) no active seal at branch \(source.branch) / 印章登记中没有该网点此类凭证可用的印章")
        }
        // A seal the branch cannot use is refused before a voucher is made (it would be left half-done).
        _ = try await SealUse.usable(sealID, branch: source.branch, in: database)
        var voucher: VoucherRecord
        if let made = try await database.read({ try await VoucherStore.voucher(forTransaction: booked.id, in: $0) }) {
            voucher = made
        } else {
            voucher = try await vouchers.render(source, user: user, terminal: terminal)
        }
        if voucher.state == .rendered {
            voucher = try await vouchers.addCustomerSignature(voucher, source: source, user: user, terminal: terminal)
        }
        if voucher.state == .customerSigned {
            voucher = try await vouchers.seal(voucher.id, sealID: sealID, user: user, terminal: terminal)
        }
        let sealed = voucher
        let token = Self.token()
        let now = time.now()
        let path = "/r/\(token)"
        try await database.transaction { tx in
            let id = try await ReceiptStore.insert(
                tokenSHA256: Array(SHA256.hash(data: Array(token.utf8))), voucher: sealed.id, session: session, transaction: booked.id, at: now,
                lifetimeSeconds: Self.lifetimeSeconds, in: tx)
            try await AuditLog.append(
                AuditEvent(
                    actor: user.id, branch: user.branch, terminal: terminal, action: "receipt.issued", subject: "receipt:\(id)",
                    payload: ["voucher": .string(sealed.id), "counter_session": .integer(session), "transaction": .string(booked.id)]),
                in: tx)
            // The session is over: the screen shows the customer where their receipt is, then the next code.
            let device = try await CounterStateStore.draft(session, in: tx)?.device
            try await counter.end(
                session, device: device, receipt: CounterDesk.ScreenReceipt(path: path, voucher: sealed.id), at: now, in: DatabaseCounterWork(tx))
        }
        let expires = Timestamp(microsecondsSinceEpoch: now.microsecondsSinceEpoch + Int64(Self.lifetimeSeconds) * 1_000_000)
        return Issued(voucher: sealed.id, receipt: path, expiresAt: expires.description)
    }

    /// The customer's download: the sealed PDF, while the link is valid.
    public func download(token: String) async throws -> (voucher: String, pdf: [UInt8]) {
        guard token.utf8.count == 43, token.utf8.allSatisfy({ $0.isBase64URL }) else {
            throw CounterError(.receiptNotFound, "no receipt at this link")
        }
        let now = time.now()
        let found = try await database.transaction { tx in
            let found = try await ReceiptStore.download(tokenSHA256: Array(SHA256.hash(data: Array(token.utf8))), at: now, in: tx)
            if case .valid(let id, let voucher) = found {
                try await AuditLog.append(
                    AuditEvent(actor: "customer", action: "receipt.downloaded", subject: "receipt:\(id)", payload: ["voucher": .string(voucher)]),
                    in: tx)
            }
            return found
        }
        switch found {
        case .valid(_, let voucher):
            // The file as it now stands: with its archive renewals, if any (migration 0034).
            guard let current = try await database.read({ try await VoucherRenewals.current(voucher, in: $0) }) else {
                throw CounterError(.receiptNotFound, "no receipt at this link")
            }
            return (voucher, current.pdf)
        case .expired: throw CounterError(.receiptExpired, "this receipt link has expired; ask the branch for a copy")
        case .unknown: throw CounterError(.receiptNotFound, "no receipt at this link")
        }
    }

    /// 32 random bytes, base64url without padding (43 characters).
    static func token() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension UInt8 {
    fileprivate var isBase64URL: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || self == 0x2D || self == 0x5F
    }
}
