import HummingbirdWebSocket
import Services

/// A WebSocket that has not said who or what it is within the deadline is closed: an open socket costs memory and a
/// file descriptor, and the push and screen channels take their identity from the first message.
struct HelloDeadline: Sendable {
    private let timer: Task<Void, Never>

    init(_ outbound: WebSocketOutboundWriter, within deadline: Duration) {
        timer = Task {
            guard (try? await Task.sleep(for: deadline)) != nil else { return }
            try? await outbound.close(.policyViolation, reason: "hello expected")
        }
    }

    func met() { timer.cancel() }
}
