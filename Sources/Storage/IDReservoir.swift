import Synchronization

/// Row ids taken from a sequence a block at a time, for a write that must know its id before its one statement
/// (its audit event names the row). Ids left over when the process ends are never used: gaps, as a sequence
/// has anyway.
public final class IDReservoir: Sendable {
    private let ids = Mutex<[Int64]>([])
    public let block: Int

    public init(block: Int = 128) {
        self.block = block
    }

    /// The next id; `refill` fetches `block` fresh ones when none are left. Two callers refilling at once both
    /// fetch: nothing is handed out twice.
    public func next(refill: (Int) async throws -> [Int64]) async throws -> Int64 {
        if let id = ids.withLock({ $0.popLast() }) { return id }
        let fresh = try await refill(block)
        guard let first = fresh.first else { throw StorageError(.queryFailed, "the sequence returned no ids") }
        ids.withLock { $0.append(contentsOf: fresh.dropFirst().reversed()) }
        return first
    }
}

extension IDReservoir {
    /// The next id from the database sequence `sequence`, fetched `block` at a time.
    public func next(from sequence: String, on database: Database) async throws -> Int64 {
        try await next { count in
            try await database.read { tx in
                try await tx.query("SELECT nextval(\(sequence)::regclass) FROM generate_series(1, \(count))", context: "reserve ids")
                    .collect().map { try $0.decode(Int64.self) }
            }
        }
    }
}
