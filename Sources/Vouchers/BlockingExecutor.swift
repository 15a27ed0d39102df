/// Where the synchronous C and parsing work of making a voucher runs — rendering with PoDoFo, writing and parsing
/// PDF revisions, RSA and ECDSA signatures. The service passes a bounded thread pool with a deadline (Web's
/// `BlockingWorkGate`), so this work never holds the cooperative pool's few threads that serve every request; the
/// command-line tools and the library's own tests run it in place.
public protocol BlockingExecutor: Sendable {
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}

/// Runs the work where the caller is.
public struct InPlace: BlockingExecutor {
    public init() {}
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try work() }
}

extension BlockingExecutor where Self == InPlace {
    public static var inPlace: InPlace { InPlace() }
}
