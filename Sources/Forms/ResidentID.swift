/// The 18-character resident identity number of mainland China (GB 11643-1999): a 6-digit region, the birth
/// date as YYYYMMDD, a 3-digit sequence, and a check character computed with ISO 7064 MOD 11-2.
public enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    public enum Problem: Error, Sendable, Equatable {
        case shape
        case birthDate
        case checksum
    }

    /// The check character for the first 17 digits.
    public static func checkCharacter(for body: some StringProtocol) -> Character? {
        guard body.count == 17, body.allSatisfy(\.isASCIIDigit) else { return nil }
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// The number in upper case, or why it is not one. The birth date must be a real day, not after `today`.
    public static func check(_ text: String, today: CivilDate) -> Result<String, Problem> {
        let number = text.uppercased()
        guard number.count == 18, number.prefix(17).allSatisfy(\.isASCIIDigit), let last = number.last, last.isASCIIDigit || last == "X",
            number.first != "0"
        else { return .failure(.shape) }
        let digits = number.prefix(17)
        guard let born = CivilDate(compact: digits.dropFirst(6).prefix(8)), born.year >= 1900, born <= today else {
            return .failure(.birthDate)
        }
        guard checkCharacter(for: digits) == last else { return .failure(.checksum) }
        return .success(number)
    }
}

extension Character {
    /// 0–9 only (`isNumber` alone also accepts other scripts' digits and fractions).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
