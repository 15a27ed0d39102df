import CryptoExtras
import Foundation

/// Password storage with scrypt (memory-hard, slow on purpose), encoded as `scrypt$N$r$p$salt$key` (base64).
public struct PasswordHash: Sendable, Equatable {
    public let encoded: String

    public init(encoded: String) { self.encoded = encoded }

    /// Cost parameters: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds per guess on this machine).
    public static func make(password: String, rounds: Int = 1 << 15) throws -> PasswordHash {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let key = try derive(password: password, salt: salt, rounds: rounds, blockSize: 8, parallelism: 1)
        let text = "scrypt$\(rounds)$8$1$\(Data(salt).base64EncodedString())$\(key.base64EncodedString())"
        return PasswordHash(encoded: text)
    }

    /// Constant-time comparison of the derived key; false for any malformed stored value.
    public func matches(_ password: String) -> Bool {
        let parts = encoded.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
            rounds <= 1 << 20, blockSize <= 16, parallelism <= 4,
            let actual = try? Self.derive(password: password, salt: Array(salt), rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return ConstantTime.equal(Array(actual), Array(expected))
    }

    private static func derive(password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize, parallelism: parallelism,
            maxMemory: 256 * 1024 * 1024)
        return key.withUnsafeBytes { Data($0) }
    }
}
