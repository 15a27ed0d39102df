import Crypto
public import Foundation

/// One numbered SQL file. Its checksum is recorded when applied; a later change to the file is refused.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    public var checksum: [UInt8] { Array(SHA256.hash(data: Array(sql.utf8))) }
    public var fileName: String { String(format: "%04d_%@.sql", version, name) }

    /// The migrations shipped in this module's `Migrations/` folder, in order.
    public static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw StorageError(.badConfiguration, "the Migrations resource folder is missing from the build")
        }
        return try load(folder: folder)
    }

    /// Reads `NNNN_name.sql` files; refuses duplicates and badly named files rather than skipping them.
    public static func load(folder: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        var migrations: [Migration] = []
        for file in names {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else {
                throw StorageError(.badConfiguration, "migration file \(file) is not named NNNN_name.sql")
            }
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw StorageError(.badConfiguration, "two migration files share version \(a.version)")
        }
        return migrations
    }
}
