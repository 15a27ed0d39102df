import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Services
import Synchronization

/// Bounds on connections, enforced on the raw bytes before any HTTP parsing — the only place that sees a
/// connection that never finishes its request head.
public struct ConnectionLimits: Sendable {
    /// Open connections, in all.
    public var maximumConnections = 4096
    /// Open connections from one address (a trusted proxy's are counted only in the total).
    public var maximumPerAddress = 256
    /// Time from the first byte of the first request head to its end; a client still sending headers then is cut off.
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
        let idle = TimeAmount(limits.idleTimeout)
        idleCheck = context.eventLoop.scheduleRepeatedTask(initialDelay: idle, delay: TimeAmount(limits.idleTimeout / 4)) { _ in
            if NIODeadline.now() - bound.value.handler.lastRead > idle { bound.value.context.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        if !headDone && headBytes == 0 {
            // The head's clock starts with its first byte: a client may open a connection early and send nothing
            // for a while (browsers preconnect; that is the idle timeout's business), but a head it has begun must
            // be finished in time.
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            timers.append(
                context.eventLoop.scheduleTask(in: .init(registry.limits.headerDeadline)) {
                    if !bound.value.handler.headDone { bound.value.context.close(promise: nil) }
                })
        }
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
            // Checked whether or not the head ended in this read: a head just over the limit often arrives whole.
            if headBytes > registry.limits.maximumHeaderBytes {
                refuse(
                    context: context, status: "431 Request Header Fields Too Large", code: "request.headers_too_large",
                    message: "the request headers are larger than allowed")
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

    /// An error answer straight onto the socket, then close: the HTTP layers behind this handler never see the rest.
    func refuse(context: ChannelHandlerContext, status: String, code: String, message: String) {
        headDone = true
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        let head = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        let buffer = context.channel.allocator.buffer(string: head + body)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// What ``ParseErrorAnswerHandler`` reports: the HTTP decoder refused the request head.
    func parserRefused(_ error: HTTPParserError) {
        guard let context, context.channel.isActive else { return }
        if case .headerOverflow = error {
            refuse(
                context: context, status: "431 Request Header Fields Too Large", code: "request.headers_too_large",
                message: "the request headers are larger than allowed")
        } else {
            refuse(context: context, status: "400 Bad Request", code: "request.malformed", message: "the request is not valid HTTP")
        }
    }
}

/// Sits right after the HTTP decoder: a request head the decoder refuses (garbage, a negative or doubled
/// Content-Length, folded headers, headers over the limit) is answered 400 or 431 and closed at once. Without it
/// the WebSocket-upgrading pipeline dropped such a connection silently and held it until the idle timeout.
final class ParseErrorAnswerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let guardHandler: ConnectionGuardHandler

    init(guardHandler: ConnectionGuardHandler) { self.guardHandler = guardHandler }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guardHandler.parserRefused(parserError)
    }
}

/// A server child channel with ``ConnectionGuardHandler`` in front of everything `inner` sets up.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let guardHandler = ConnectionGuardHandler(registry: registry)
        do {
            try channel.pipeline.syncOperations.addHandler(guardHandler, position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(guardHandler, eventLoop: channel.eventLoop)
        return inner.setup(channel: channel, logger: logger).map { value in
            // Best effort: when this runs after a quick client's upgrade already removed the decoder, there is no
            // HTTP left to refuse, and the connection must not fail for it.
            let operations = channel.pipeline.syncOperations
            if let decoder = try? operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try? operations.addHandler(ParseErrorAnswerHandler(guardHandler: bound.value), position: .after(decoder))
            }
            return value
        }
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
