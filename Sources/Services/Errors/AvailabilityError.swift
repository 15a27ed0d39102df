/// The service cannot take the work now; nothing was done, and the same request may be sent again.
public typealias AvailabilityError = Refusal<AvailabilityErrorCode>

public enum AvailabilityErrorCode: String, CaseIterable, Sendable {
    case stopping = "service.stopping"
    case signInBusy = "auth.busy"
    case voucherBusy = "voucher.busy"
    case voucherTimeout = "voucher.timeout"
    case verificationBusy = "verify.busy"
    case verificationTimeout = "verify.timeout"
    /// The key that opens customers' data is not configured, so nothing that needs it can be served.
    case dataKeyMissing = "config.data_key"
}
