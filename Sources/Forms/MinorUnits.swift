/// A non-negative decimal amount with at most two fraction digits, parsed exactly into minor units
/// ("50000.00" → 5000000, "0.5" → 50): the one parser for amounts that are already normalized (the rules' bands,
/// a teller transaction's amount, a voucher's amount). What a person types goes through the amount field check
/// first, which also takes thousands separators and the currency's own number of decimals.
public enum MinorUnits {
    /// At most 15 digits before the point: a 16-digit yuan amount would not fit in `Int64` fen with room to add.
    public static let maximumWholeDigits = 15

    public static func parse(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= maximumWholeDigits,
            whole.allSatisfy(\.isASCIIDigit)
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : "00"
        guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit), let units = Int64(whole), let cents = Int64(fraction)
        else { return nil }
        return units * 100 + (fraction.count == 1 ? cents * 10 : cents)
    }
}
