import Forms
import Testing

@Suite struct ChineseAmountTests {
    @Test(arguments: [
        ("0.05", "人民币伍分"),
        ("10.00", "人民币壹拾元整"),
        ("1000000.01", "人民币壹佰万元零壹分"),
        ("100010", "人民币壹拾万零壹拾元整"),
        ("0", "人民币零元整"),
        ("0.50", "人民币伍角整"),
        ("0.5", "人民币伍角整"),
        ("1.23", "人民币壹元贰角叁分"),
        ("101.20", "人民币壹佰零壹元贰角整"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("10005", "人民币壹万零伍元整"),
        ("10500", "人民币壹万零伍佰元整"),
        ("200000", "人民币贰拾万元整"),
        ("50000.00", "人民币伍万元整"),
        ("100000000", "人民币壹亿元整"),
        ("100000001", "人民币壹亿零壹元整"),
        ("123456789.12", "人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
        ("60000.09", "人民币陆万元零玖分"),
    ])
    func writesCapitalNumerals(amount: String, expected: String) throws {
        #expect(try ChineseAmount.words(forDecimal: amount) == expected)
    }

    @Test(arguments: ["", "1.234", "-5", "1,000", "abc", ".5", "1.", "1e3", "12345678901234567"])
    func refusesWhatIsNotAnAmount(amount: String) {
        #expect(throws: ChineseAmount.Failure.self) { try ChineseAmount.words(forDecimal: amount) }
    }

    @Test func parsesExactlyWithoutFloatingPoint() throws {
        #expect(try ChineseAmount.fen(fromDecimal: "1000000.01") == 100_000_001)
        #expect(try ChineseAmount.fen(fromDecimal: "0.1") == 10)
    }
}
