import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// A `countersign serve` child process on a free port, stopped (SIGTERM, then waited for) by ``stop()``.
public final class ServiceProcess: Sendable {
    public let port: Int
    private let process: Process

    public static func start(databaseURL: String, environment: [String: String]) async throws -> ServiceProcess {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CountersignBinary.path)
        process.arguments = ["serve", "--database-url", databaseURL, "--port", "\(port)", "--log-level", "warning"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let service = ServiceProcess(port: port, process: process)
        // Up when /health answers.
        for _ in 0..<300 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return service
            }
            guard process.isRunning else { throw ServiceProcessError.exited(process.terminationStatus) }
            try await Task.sleep(for: .milliseconds(50))
        }
        service.stop()
        throw ServiceProcessError.notReady
    }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Asks the kernel for an unused loopback port.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ServiceProcessError.noPort }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public enum ServiceProcessError: Error {
    case exited(Int32)
    case notReady
    case noPort
}
