/// Amounts in Chinese capital numerals (大写金额) as written on vouchers, e.g. ¥100,010.00 → 人民币壹拾万零壹拾元整.
///
/// Rules (as banks write them): digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 within a group and 万/亿 between groups;
/// one 零 stands for any run of zeros between non-zero digits (also across a group boundary); "元整" when there
/// are no 角 or 分; 零 before 分 when 角 is zero but 元 is not; amounts below one 元 start with the 角 or 分.
public enum ChineseAmount {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    private static let digits: [Character] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"]
    private static let smallUnits = ["", "拾", "佰", "仟"]
    private static let groupUnits = ["", "万", "亿", "万亿"]
    /// 10^16 fen: well beyond any voucher; larger amounts are refused rather than misprinted.
    public static let maximumFen: Int64 = 9_999_999_999_999_999

    /// `amount` is a decimal string with at most two fraction digits ("100010", "0.05", "1000000.01").
    public static func words(forDecimal amount: String, currencyPrefix: String = "人民币") throws(Failure) -> String {
        try words(fen: try fen(fromDecimal: amount), currencyPrefix: currencyPrefix)
    }

    /// Parses a non-negative decimal amount with up to two fraction digits into fen (1/100 yuan), exactly.
    public static func fen(fromDecimal amount: String) throws(Failure) -> Int64 {
        guard let fen = MinorUnits.parse(amount) else { throw Failure(reason: "'\(amount)' is not an amount with at most two decimals") }
        return fen
    }

    public static func words(fen: Int64, currencyPrefix: String = "人民币") throws(Failure) -> String {
        guard fen >= 0, fen <= maximumFen else { throw Failure(reason: "amount out of range") }
        let yuan = fen / 100
        let jiao = Int((fen / 10) % 10)
        let fenDigit = Int(fen % 10)
        if fen == 0 { return currencyPrefix + "零元整" }
        var text = currencyPrefix
        if yuan > 0 { text += integerWords(yuan) + "元" }
        if jiao == 0 && fenDigit == 0 { return text + "整" }
        if jiao > 0 {
            text += String(digits[jiao]) + "角"
        } else if yuan > 0 {
            text += "零"
        }
        if fenDigit > 0 { text += String(digits[fenDigit]) + "分" } else { text += "整" }
        return text
    }

    /// 100010 → 壹拾万零壹拾
    private static func integerWords(_ value: Int64) -> String {
        var groups: [Int] = []
        var rest = value
        while rest > 0 {
            groups.append(Int(rest % 10_000))
            rest /= 10_000
        }
        var text = ""
        var pendingZero = false
        for index in stride(from: groups.count - 1, through: 0, by: -1) {
            let group = groups[index]
            if group == 0 {
                pendingZero = !text.isEmpty
                continue
            }
            // A group below 1000 after a higher non-zero group is preceded by 零 (壹万零伍佰).
            if !text.isEmpty, group < 1000 { pendingZero = true }
            if pendingZero { text += "零" }
            text += groupWords(group) + groupUnits[index]
            pendingZero = false
        }
        return text
    }

    /// One group of four digits, 0 < group < 10000, with inner zeros collapsed: 1010 → 壹仟零壹拾.
    private static func groupWords(_ group: Int) -> String {
        let places = [group / 1000, (group / 100) % 10, (group / 10) % 10, group % 10]
        var text = ""
        var zeroRun = false
        for (offset, digit) in places.enumerated() {
            let unit = smallUnits[3 - offset]
            if digit == 0 {
                zeroRun = !text.isEmpty
                continue
            }
            if zeroRun { text += "零" }
            text += String(digits[digit]) + unit
            zeroRun = false
        }
        return text
    }
}
