/// The counter: pre-fills, pairing with the customer's screen, the customer's confirmation, booking, receipts.
public typealias CounterError = Refusal<CounterErrorCode>

public enum CounterErrorCode: String, CaseIterable, Sendable {
    case noSession = "counter.no_session"
    case noTerminal = "counter.no_terminal"
    case unknownTerminal = "counter.unknown_terminal"
    case noScreen = "counter.no_screen"
    case noScreenDevice = "counter.no_screen_device"
    case badScreenKey = "counter.bad_screen_key"
    case screenKeyUsed = "counter.screen_key_used"
    case badPairing = "counter.bad_pairing"
    case pairingExpired = "counter.pairing_expired"
    case pairingLocked = "counter.pairing_locked"
    case notSigned = "counter.not_signed"
    case noAmount = "counter.no_amount"
    case noSubject = "counter.no_subject"
    case booked = "counter.booked"
    case notBooked = "counter.not_booked"
    case notCommitted = "counter.not_committed"
    // Pre-filled forms
    case prefillBadCode = "prefill.bad_code"
    case prefillNotFound = "prefill.not_found"
    case prefillExpired = "prefill.expired"
    case prefillUsed = "prefill.used"
    case prefillFormChanged = "prefill.form_changed"
    // Receipt links
    case receiptNotFound = "receipt.not_found"
    case receiptExpired = "receipt.expired"
}
