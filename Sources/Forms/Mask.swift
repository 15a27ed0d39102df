extension FormField.Mask {
    /// The value as the customer screen shows it to anyone standing behind the customer. Masks keep enough for
    /// the customer to recognise their own data: the family name, the last four digits, the region code.
    public func apply(_ value: String) -> String {
        let characters = Array(value)
        func keep(first: Int, last: Int) -> String {
            guard characters.count > first + last else {
                return String(characters.prefix(first)) + String(repeating: "*", count: max(0, characters.count - first))
            }
            return String(characters.prefix(first)) + String(repeating: "*", count: characters.count - first - last) + String(characters.suffix(last))
        }
        switch self {
        case .none: return value
        // 张三 → 张*, 欧阳娜娜 → 欧**娜
        case .name: return characters.count <= 2 ? keep(first: 1, last: 0) : keep(first: 1, last: 1)
        case .account: return keep(first: 0, last: 4)
        case .id: return keep(first: 6, last: 4)
        case .phone: return keep(first: 3, last: 4)
        }
    }
}
