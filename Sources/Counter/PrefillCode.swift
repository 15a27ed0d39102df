/// The short code a customer reads to the teller (or shows as a QR code): 8 characters from an alphabet without
/// look-alikes (no 0/O, 1/I/L, and no U), shown as two groups of four. 30⁸ ≈ 6.6 × 10¹¹ codes; with codes living
/// minutes and the public endpoints rate-limited per client, guessing one is hopeless.
public struct PrefillCode: Sendable, Equatable, CustomStringConvertible {
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 8

    /// The 8 characters, upper case, without the separator.
    public let value: String

    /// A fresh random code from the system's secure generator.
    public static func generate() -> PrefillCode {
        var generator = SystemRandomNumberGenerator()
        return PrefillCode(value: String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    /// What a person typed: case, spaces and hyphens do not matter. A look-alike that is not in the alphabet
    /// (0, O, 1, I, L) makes it nil rather than being guessed at.
    public init?(typed: String) {
        let cleaned = typed.uppercased().filter { $0 != " " && $0 != "-" }
        guard cleaned.count == Self.length, cleaned.allSatisfy({ Self.alphabet.contains($0) }) else { return nil }
        self.value = cleaned
    }

    private init(value: String) { self.value = value }

    /// "ABCD-EFGH".
    public var description: String { "\(value.prefix(4))-\(value.suffix(4))" }
}
