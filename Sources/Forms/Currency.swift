/// The currencies forms may use, with their minor-unit digits (ISO 4217). The same list as the authorization
/// rules' vocabulary; a form naming another currency is refused when the catalogue loads.
public enum Currency {
    public static let decimals: [String: Int] = ["CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "GBP": 2]

    /// How a Chinese voucher names the currency before an amount in capital numerals (美元伍仟元整).
    public static let chineseName: [String: String] = ["CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港币", "GBP": "英镑"]

    public static func isKnown(_ code: String) -> Bool { decimals[code] != nil }
}
