import Forms
import Testing

/// The one parser of normalized amounts (rules, teller transactions, vouchers): exact, two decimals at most.
@Suite struct MinorUnitsTests {
    @Test(
        arguments: [
            ("0", 0), ("0.5", 50), ("0.05", 5), ("10.00", 1_000), ("50000", 5_000_000), ("1000000.01", 100_000_001),
            ("999999999999999.99", 99_999_999_999_999_999), ("007", 700),
        ] as [(String, Int64)])
    func parsesExactly(text: String, minor: Int64) {
        #expect(MinorUnits.parse(text) == minor)
    }

    @Test(arguments: ["", ".5", "5.", "1.234", "-1", "+1", "1,000", "1 000", "１２", "1e3", "0x10", "1.5.0", "1000000000000000"])
    func refusesAnythingElse(text: String) {
        #expect(MinorUnits.parse(text) == nil)
    }
}
