import Counter
import Testing

/// Issue #17, part 2: the draft's moves as pure functions — the same moves migration 0028's trigger allows
/// (editing → confirmed | rejected, confirmed → signed), so the desk and the database cannot disagree unnoticed.
@Suite struct DraftStateTests {
    @Test func onlyAViewStillShownTakesTheCustomersAnswerAndOnlyOnce() {
        #expect(DraftState.editing.answered(.confirm) == .confirmed)
        #expect(DraftState.editing.answered(.reject) == .rejected)
        #expect(DraftState.editing.answered(.sign) == nil, "a signature is not an answer to the view")
        for answered in [DraftState.confirmed, .rejected, .signed] {
            #expect(answered.answered(.confirm) == nil && answered.answered(.reject) == nil, "\(answered)")
        }
    }

    @Test func onlyTheConfirmedVersionIsSignedAndOnlyASignedOneIsBooked() {
        #expect(DraftState.confirmed.signing == .signed)
        for other in [DraftState.editing, .rejected, .signed] { #expect(other.signing == nil, "\(other)") }
        #expect(DraftState.allCases.filter(\.canBeBooked) == [.signed])
    }

    /// Every move the functions allow is one the database's guard allows, and no other.
    @Test func theMovesAreExactlyTheDatabaseGuards() {
        var moves: Set<String> = []
        for state in DraftState.allCases {
            for answer in [ScreenStatement.Decision.confirm, .reject, .sign] {
                if let next = state.answered(answer) { moves.insert("\(state)→\(next)") }
            }
            if let next = state.signing { moves.insert("\(state)→\(next)") }
        }
        #expect(moves == ["editing→confirmed", "editing→rejected", "confirmed→signed"])
    }
}
