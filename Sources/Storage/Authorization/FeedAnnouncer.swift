import Synchronization

/// Announces the authorization feed after commits with at most one announcement in flight per instance. A commit
/// that lands while one runs is covered by the next, which starts as soon as the running one ends; so under load
/// one `authz_announce()` round trip serves every commit of the last few milliseconds instead of one per commit,
/// and no commit waits longer than one announcement for its push.
public final class FeedAnnouncer: Sendable {
    private enum State {
        case idle
        case running
        /// Running, and a commit came after it started: it may have missed that commit's rows, so run once more.
        case runningAgain
    }

    private let state = Mutex<State>(.idle)

    public init() {}

    /// Announces soon, without making the caller wait.
    public func announceSoon(_ database: Database) {
        runSoon { await AuthorizationStore.announce(database) }
    }

    /// Runs `announce` soon unless a run is in progress, in which case one more run follows it (however many calls
    /// came meanwhile). Separate from the database so that the rule can be tested on its own.
    func runSoon(_ announce: @escaping @Sendable () async -> Void) {
        let start = state.withLock { state -> Bool in
            switch state {
            case .idle:
                state = .running
                return true
            case .running, .runningAgain:
                state = .runningAgain
                return false
            }
        }
        guard start else { return }
        Task { await self.run(announce) }
    }

    private func run(_ announce: @Sendable () async -> Void) async {
        while true {
            await announce()
            let again = state.withLock { state -> Bool in
                guard case .runningAgain = state else {
                    state = .idle
                    return false
                }
                state = .running
                return true
            }
            guard again else { return }
        }
    }
}
