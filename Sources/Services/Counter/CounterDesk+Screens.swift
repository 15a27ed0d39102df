import Audit
import Foundation
public import Storage

/// The customer screens connected to this instance: how they come and go, and how they are kept up to date with
/// what the database says.
extension CounterDesk {
    /// An enrolled screen came up (it proved it holds its key). It is told what to show: a 6-digit pairing code
    /// valid for five minutes, or — a reload, a language switch, the network, another instance — the session it
    /// is in, with the current view and where the customer had got to.
    public func connectScreen(device: ScreenDevice, sender: AsyncStream<String>.Continuation) async throws -> Int {
        let id = connections.add(device, sender: sender)
        let at = time.now()
        do {
            _ = try await repository.transaction { tx in
                try await tx.screenConnected(
                    device: device.id, freshCode: Self.freshCode(), expires: Self.later(at, seconds: Self.pairingSeconds), at: at)
            }
        } catch {
            _ = connections.remove(id)
            throw error
        }
        await refresh(device: device.id)
        return id
    }

    /// The screen's connection closed: its session and draft stay (the teller's work is not lost, and the screen
    /// coming back, here or elsewhere, resumes them).
    public func disconnectScreen(_ id: Int) async {
        guard let (device, last) = connections.remove(id), last else { return }
        do {
            try await repository.transaction { tx in try await tx.screenDisconnected(device) }
        } catch {
            // At shutdown the lease simply runs out.
            if !(error is CancellationError) {
                logger.warning("could not mark a screen disconnected", metadata: ["screen": "\(device)", "error": "\(error)"])
            }
        }
    }

    /// The enrolled screen with this id, if it is still enrolled.
    public func enrolledScreen(_ id: Int64) async throws -> ScreenDevice? {
        try await repository.read { tx in try await tx.activeScreen(id) }
    }

    /// A removed screen is cut off at once: its connections here close (other instances hear of the removal from
    /// the database and do the same).
    func disconnectDevice(_ device: Int64) {
        connections.cut(
            device, with: ToScreen.error(code: .screenNotEnrolled, message: "this screen is no longer enrolled / 本屏已被注销登记").text)
    }

    /// Brings the device's connections here up to date with the database.
    func refresh(device: Int64) async {
        await connections.serially(device) {
            do {
                switch try await self.current(device) {
                case .removed: self.disconnectDevice(device)
                // Its row is being made (a refresh of every screen crossed its connection): the connection's own
                // refresh follows.
                case .notYet: return
                case .current(let current): self.connections.show(current)
                }
            } catch {
                self.logger.warning("could not bring a screen up to date", metadata: ["screen": "\(device)", "error": "\(error)"])
            }
        }
    }

    /// After the feed's connection came (back): anything announced meanwhile is read again.
    func refreshAll() async {
        for device in connections.devices { await refresh(device: device) }
    }

    enum Found {
        /// No longer enrolled: its connections are cut.
        case removed
        /// Enrolled, but its row is not there yet.
        case notYet
        case current(ScreenUpdate.Current)
    }

    /// The screen as the database has it, ready for ``ScreenUpdate``.
    func current(_ device: Int64) async throws -> Found {
        let found = try await repository.read { tx -> (ScreenDevice, ScreenState?, DraftRecord?)? in
            guard let enrolled = try await tx.activeScreen(device) else { return nil }
            let screen = try await tx.screen(device)
            let draft = try await screen?.session.asyncMap { try await tx.draft($0) } ?? nil
            return (enrolled, screen, draft)
        }
        guard let (enrolled, state, draft) = found else { return .removed }
        guard let screen = state else { return .notYet }
        let now = time.now()
        // A receipt that cannot be opened (a data key since replaced) must not keep the screen from its next code.
        var ending: String?
        do {
            ending = try self.ending(screen.ended)
        } catch {
            logger.warning("the end of a screen's last session could not be read", metadata: ["screen": "\(device)", "error": "\(error)"])
        }
        return .current(
            ScreenUpdate.Current(
                screen: screen, terminal: enrolled.terminal, draft: draft, viewJSON: try draft.flatMap { try open($0)?.view },
                ending: ending, tellerName: draft?.tellerName,
                expiresIn: max(0, Int((screen.codeExpires.microsecondsSinceEpoch - now.microsecondsSinceEpoch) / 1_000_000))))
    }

    /// The message that tells the screen how its last session ended.
    func ending(_ ended: ScreenState.Ended?) throws -> String? {
        guard let ended else { return nil }
        guard ended.how == .receipt, let box = ended.ciphertext else {
            return ToScreen.cancelled(session: ended.session, rejected: ended.how == .rejected).text
        }
        let receipt = try JSONDecoder().decode(
            ScreenReceipt.self, from: Data(try dataKey.open(box, context: Self.receiptContext(session: ended.session))))
        return ToScreen.receipt(path: receipt.path, voucher: receipt.voucher).text
    }

    /// Where the customer's receipt is, sealed in the screen's row until the screen has shown it.
    struct ScreenReceipt: Codable {
        let path: String
        let voucher: String
    }

    static func receiptContext(session: Int64) -> String { "counter:\(session):receipt" }

    /// The screens connected here are still connected; a waiting screen whose code expired shows a new one.
    func heartbeat() async {
        let devices = connections.devices
        guard !devices.isEmpty else { return }
        let at = time.now()
        do {
            try await repository.transaction { tx in
                try await tx.renewConnections(devices)
                for device in try await tx.expiredCodes(devices, at: at) {
                    try await tx.renewCode(
                        device, code: Self.freshCode(), expires: Self.later(at, seconds: Self.pairingSeconds), expiredBy: at)
                }
            }
            // A refresh that failed, or an announcement lost, is made good within a heartbeat.
            await refreshAll()
        } catch {
            if !(error is CancellationError) { logger.warning("screen heartbeat failed", metadata: ["error": "\(error)"]) }
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
