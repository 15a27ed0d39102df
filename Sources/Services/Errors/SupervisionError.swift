/// Post-transaction supervision (issue #18, part 4): what a search, an evidence page, a sample or a finding is
/// refused with.
public typealias SupervisionError = Refusal<SupervisionErrorCode>

public enum SupervisionErrorCode: String, CaseIterable, Sendable {
    /// Searching, evidence and samples are the auditors'; a finding is answered by its branch's supervisor.
    case forbidden = "supervision.forbidden"
    /// A search filter, a day, a size or a text that is not well formed.
    case badQuery = "supervision.bad_query"
    case transactionNotFound = "supervision.transaction_not_found"
    case findingNotFound = "supervision.finding_not_found"
    case sampleNotFound = "supervision.sample_not_found"
    /// The finding is not at the step asked for (answering an answered one, closing one not answered, …).
    case findingState = "supervision.finding_state"
    /// The supervisor decided on the transaction the finding is about: another one answers (segregation of duties).
    case ownDecision = "supervision.own_decision"
    /// The transaction was not drawn in that sample, or is reviewed already.
    case sampleItem = "supervision.sample_item"
}
