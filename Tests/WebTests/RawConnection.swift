import NIOCore
import NIOPosix
import Synchronization

/// A plain TCP connection to the service, for requests no HTTP client would send: half-sent heads, huge headers,
/// broken chunked bodies, connections that say nothing. Built on NIO, so waiting for the service never blocks a
/// thread that other tests need.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let collector: Collector

    init(port: Int) async throws {
        let collector = Collector()
        self.collector = collector
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
    }

    func send(_ text: String) async {
        try? await channel.writeAndFlush(channel.allocator.buffer(string: text)).get()
    }

    /// Everything until the service closes the connection (or ten seconds pass): (text, closed).
    func readToEnd() async -> (text: String, closed: Bool) {
        for _ in 0..<1000 {
            if collector.isClosed { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return (collector.text, collector.isClosed)
    }

    deinit { channel.close(promise: nil) }

    /// Collects what arrives and notes when the connection ends (closed or reset).
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let received = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))

        var text: String { received.withLock { String(decoding: $0.bytes, as: UTF8.self) } }
        var isClosed: Bool { received.withLock { $0.closed } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.withLock { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
