import Counter
import Storage
import Synchronization

/// The customer screens whose WebSockets this instance holds, each with what it was last told. Nothing here is the
/// record: the database is (see ``ScreenUpdate``); this is only where to send, and what not to send twice.
final class ScreenConnections: Sendable {
    struct Connection {
        let device: ScreenDevice
        let sender: AsyncStream<String>.Continuation
        var shown = ScreenUpdate.Shown()
    }

    private let all = Mutex<[Int: Connection]>([:])
    private let nextID = Atomic<Int>(0)
    /// Devices being brought up to date, and whether another update was asked for meanwhile.
    private let updating = Mutex<[Int64: Bool]>([:])

    func add(_ device: ScreenDevice, sender: AsyncStream<String>.Continuation) -> Int {
        let id = nextID.add(1, ordering: .relaxed).newValue
        all.withLock { $0[id] = Connection(device: device, sender: sender) }
        return id
    }

    /// Forgets a connection; true if it was its device's last one here.
    func remove(_ id: Int) -> (device: Int64, last: Bool)? {
        all.withLock { all in
            guard let gone = all.removeValue(forKey: id) else { return nil }
            return (gone.device.id, !all.values.contains { $0.device.id == gone.device.id })
        }
    }

    func device(of id: Int) -> ScreenDevice? { all.withLock { $0[id]?.device } }

    var devices: [Int64] { all.withLock { Array(Set($0.values.map(\.device.id))) } }

    func holds(_ device: Int64) -> Bool { all.withLock { $0.values.contains { $0.device.id == device } } }

    /// Brings every connection of the device up to date with `current`.
    func show(_ current: ScreenUpdate.Current) {
        all.withLock { all in
            for (id, connection) in all where connection.device.id == current.screen.device {
                let (messages, shown) = ScreenUpdate.messages(after: connection.shown, for: current)
                for message in messages { connection.sender.yield(message) }
                all[id]?.shown = shown
            }
        }
    }

    /// The connection's own answer moved the draft: it was told so in the reply, not again by the update.
    func answered(_ id: Int, version: Int, state: DraftState) {
        all.withLock { all in
            if all[id]?.shown.version == version { all[id]?.shown.state = state }
        }
    }

    /// Sends `message` to one connection.
    func send(_ id: Int, _ message: String) { all.withLock { $0[id]?.sender }?.yield(message) }

    /// The device is no longer enrolled: its connections are told and closed.
    func cut(_ device: Int64, with message: String) {
        let senders = all.withLock { all in all.values.filter { $0.device.id == device }.map(\.sender) }
        for sender in senders {
            sender.yield(message)
            sender.finish()
        }
    }

    /// Runs `update` for `device`, one at a time: an update asked for while one runs makes it run once more after
    /// (so the last one reads what the database says after the last announcement, and messages never go out of
    /// order).
    func serially(_ device: Int64, _ update: () async -> Void) async {
        let first = updating.withLock { running -> Bool in
            if running[device] != nil {
                running[device] = true
                return false
            }
            running[device] = false
            return true
        }
        guard first else { return }
        while true {
            await update()
            let again = updating.withLock { running -> Bool in
                if running[device] == true {
                    running[device] = false
                    return true
                }
                running[device] = nil
                return false
            }
            if !again { return }
        }
    }
}
