public import Kernel

/// Where the version of a counter draft that the customer's screen shows stands (`counter_drafts.state`, guarded by
/// migration 0028's trigger with the same moves). The moves are pure functions, so the desk asks the state what may
/// happen next instead of comparing strings, and the rule is tested without a database.
public enum DraftState: String, Codable, StoredWord {

    /// Being keyed by the teller and shown to the customer; every change makes a new version in this state.
    case editing
    /// The customer confirmed exactly this version.
    case confirmed
    /// The customer refused this version; the teller may correct it (a new version) or cancel.
    case rejected
    /// The customer signed the version they confirmed: it may now be booked.
    case signed

    /// The state after the customer's answer to the view on the screen, or nil when this state takes no answer
    /// (only a view still being shown is answered, once).
    public func answered(_ decision: ScreenStatement.Decision) -> DraftState? {
        guard self == .editing else { return nil }
        switch decision {
        case .confirm: return .confirmed
        case .reject: return .rejected
        case .sign: return nil
        }
    }

    /// The state after the customer's signature, or nil: only the confirmed version is signed.
    public var signing: DraftState? { self == .confirmed ? .signed : nil }

    /// Booked as a teller transaction only once signed.
    public var canBeBooked: Bool { self == .signed }
}
