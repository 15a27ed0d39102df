/// What a new password must be, whoever sets it (today `countersign users set-password`; later the admin page):
/// long enough, not made of one kind of character, not the user id, and not one of the user's recent passwords
/// (checked by the caller against the stored history, since only hashes are kept).
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumBytes = 256
    /// How many earlier passwords may not come back.
    public static let historyDepth = 5

    /// Every rule the password breaks, in words (zh / en); empty when it may be used.
    public static func problems(_ password: String, user: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength { problems.append("at least \(minimumLength) characters / 至少 \(minimumLength) 个字符") }
        if password.utf8.count > maximumBytes { problems.append("at most \(maximumBytes) bytes / 最多 \(maximumBytes) 字节") }
        let classes = [
            password.contains { $0.isLowercase }, password.contains { $0.isUppercase }, password.contains { $0.isNumber },
            password.contains { !$0.isLetter && !$0.isNumber },
        ].filter { $0 }.count
        if classes < 3 {
            problems.append("three of: lower case, upper case, digits, other characters / 至少包含小写、大写、数字、其他字符中的三类")
        }
        if !user.isEmpty, password.lowercased().contains(user.lowercased()) {
            problems.append("must not contain the user id / 不得包含用户名")
        }
        return problems
    }
}
