import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Bounds on connections, enforced on the raw bytes before any HTTP parsing — the only place that sees a
/// connection that never finishes its request head.
public struct ConnectionLimits: Sendable {
    /// Open connections, in all.
    public var maximumConnections = 4096
    /// Open connections from one address (a trusted proxy's are counted only in the total).
    public var maximumPerAddress = 256
    /// Time from connecting to the end of the first request head; a client still sending headers then is cut off.
    public var headerDeadline: Duration = .seconds(10)
    /// Largest first request head; larger gets 431 and the connection is closed.
    public var maximumHeaderBytes = 32 * 1024
    /// A connection from which nothing arrives this long is closed (WebSocket clients answer the server's pings).
    public var idleTimeout: Duration = .seconds(120)
    /// Time a WebSocket has to send its hello.
    public var helloDeadline: Duration = .seconds(10)

    public init() {}
}

/// Counts open connections per address and in all.
final class ConnectionRegistry: Sendable {
    let limits: ConnectionLimits
    let proxies: TrustedProxies
    private let open = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    init(limits: ConnectionLimits, proxies: TrustedProxies) {
        self.limits = limits
        self.proxies = proxies
    }

    func admit(_ address: String) -> Bool {
        let perAddress = !proxies.contains(address)
        return open.withLock { state in
            guard state.total < limits.maximumConnections else { return false }
            if perAddress {
                guard state.byAddress[address, default: 0] < limits.maximumPerAddress else { return false }
                state.byAddress[address, default: 0] += 1
            }
            state.total += 1
            return true
        }
    }

    func release(_ address: String) {
        let perAddress = !proxies.contains(address)
        open.withLock { state in
            state.total -= 1
            guard perAddress, let count = state.byAddress[address] else { return }
            state.byAddress[address] = count > 1 ? count - 1 : nil
        }
    }

    var total: Int { open.withLock { $0.total } }
}

/// First in every connection's pipeline: admits it against the registry, cuts off a first request head that is too
/// large (431) or too slow, and closes connections that go silent.
final class ConnectionGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let registry: ConnectionRegistry
    private var address: String?
    private var headBytes = 0
    /// How much of "\r\n\r\n" the bytes so far end with.
    private var endMatched = 0
    private var headDone = false
    private var lastRead = NIODeadline.now()
    private var timers: [Scheduled<Void>] = []
    private var idleCheck: RepeatedTask?

    init(registry: ConnectionRegistry) { self.registry = registry }

    func channelActive(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard registry.admit(address) else {
            context.close(promise: nil)
            return
        }
        self.address = address
        let limits = registry.limits
        // Timers run on this channel's event loop, where the handler and its context live.
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timers.append(
            context.eventLoop.scheduleTask(in: .init(limits.headerDeadline)) {
                if !bound.value.handler.headDone { bound.value.context.close(promise: nil) }
            })
        let idle = TimeAmount(limits.idleTimeout)
        idleCheck = context.eventLoop.scheduleRepeatedTask(initialDelay: idle, delay: TimeAmount(limits.idleTimeout / 4)) { _ in
            if NIODeadline.now() - bound.value.handler.lastRead > idle { bound.value.context.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        if !headDone {
            let buffer = unwrapInboundIn(data)
            for byte in buffer.readableBytesView {
                headBytes += 1
                let expected: UInt8 = endMatched % 2 == 0 ? 13 : 10
                endMatched = byte == expected ? endMatched + 1 : (byte == 13 ? 1 : 0)
                if endMatched == 4 {
                    headDone = true
                    break
                }
            }
            if !headDone && headBytes > registry.limits.maximumHeaderBytes {
                refuseHead(context: context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timers.forEach { $0.cancel() }
        idleCheck?.cancel()
        if let address { registry.release(address) }
        address = nil
        context.fireChannelInactive()
    }

    /// 431 straight onto the socket: the HTTP decoder never sees the rest of this head.
    private func refuseHead(context: ChannelHandlerContext) {
        headDone = true
        let text = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: "
        let body = #"{"error":{"code":"request.headers_too_large","message":"the request headers are larger than allowed"}}"#
        let buffer = context.channel.allocator.buffer(string: text + "\(body.utf8.count)\r\n\r\n" + body)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// A server child channel with ``ConnectionGuardHandler`` in front of everything `inner` sets up.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(registry: registry), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
