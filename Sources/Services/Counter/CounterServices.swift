public import Forms

/// What the counter flow runs on one instance: the form catalogue, the pre-fill desk, and the counter desk (screens,
/// drafts, confirmations).
public struct CounterServices: Sendable {
    public let catalogue: FormCatalogue
    public let prefills: PrefillDesk
    public let desk: CounterDesk
    /// Vouchers and receipts need the signing keys; without them the counter runs up to the signature.
    public let receipts: ReceiptDesk?
    /// The public check needs the trusted roots.
    public let verifier: ReceiptVerifier?
    /// Booking the signed draft needs the authorization feature (its rules and interceptor).
    public let booking: CounterBooking?
    /// The customer's preview of the voucher they are about to sign (it needs the voucher renderer).
    public var preview: VoucherPreview? { receipts.map { VoucherPreview(counter: desk, vouchers: $0.vouchers) } }
    /// Enrolling and removing the customer screens of a branch.
    public let screens: ScreenEnrollment

    public init(
        catalogue: FormCatalogue, prefills: PrefillDesk, desk: CounterDesk, screens: ScreenEnrollment, receipts: ReceiptDesk? = nil,
        verifier: ReceiptVerifier? = nil, booking: CounterBooking? = nil
    ) {
        self.catalogue = catalogue
        self.prefills = prefills
        self.desk = desk
        self.screens = screens
        self.receipts = receipts
        self.verifier = verifier
        self.booking = booking
    }
}
