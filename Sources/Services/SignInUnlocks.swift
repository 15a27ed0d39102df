public import Logging
public import ServiceLifecycle
public import Storage

/// Follows the unlocks administrators approve (migration 0040): each is announced at commit, and every instance
/// clears that user's lockout from its own throttle (lockouts are kept in memory, per instance).
public final class SignInUnlocks: Service, Sendable {
    static let channel = "countersign_sign_in_unlocked"

    let database: Database
    let protection: SignInProtection
    let logger: Logger

    public init(database: Database, protection: SignInProtection, logger: Logger) {
        self.database = database
        self.protection = protection
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await announcement in self.database.announcements(on: Self.channel, logger: self.logger) {
                switch announcement {
                case .listening: self.protection.followingUnlocks.store(true, ordering: .releasing)
                case .lost: self.protection.followingUnlocks.store(false, ordering: .releasing)
                case .payload(let user): self.protection.throttle.unlock(user: user)
                }
            }
        }
    }
}
