/// The voucher desk: rendering, the customer's signature, sealing. (What PDF production itself refuses is
/// `Vouchers.VoucherError`.)
public typealias VoucherDeskError = Refusal<VoucherDeskErrorCode>

public enum VoucherDeskErrorCode: String, CaseIterable, Sendable {
    case notFound = "voucher.not_found"
    case noBranch = "voucher.no_branch"
    case wrongState = "voucher.wrong_state"
    case changed = "voucher.changed"
    case noSeal = "voucher.no_seal"
    case sealWrongBranch = "voucher.seal_wrong_branch"
    case noScreenStatement = "voucher.no_screen_statement"
    /// The records a voucher is made from disagree with each other: never the caller's fault (500).
    case sourceMismatch = "voucher.source_mismatch"
}
