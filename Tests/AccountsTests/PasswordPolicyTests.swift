import Accounts
import Testing

@Suite struct PasswordPolicyTests {
    @Test(arguments: [
        ("Short1!", 1), ("alllowercaseletters", 1), ("ALLUPPERCASE123", 1), ("teller1-Counter2026", 1), ("super1-demo", 2),
    ])
    func weakPasswordsAreRefusedWithEveryReason(password: String, reasons: Int) {
        let user = password.hasPrefix("super1") ? "super1" : "teller1"
        #expect(PasswordPolicy.problems(password, user: user).count == reasons, "\(PasswordPolicy.problems(password, user: user))")
    }

    @Test(arguments: ["Counter-2026-spring", "柜面授权Password9", "correct Horse battery 7"])
    func strongPasswordsPass(password: String) {
        #expect(PasswordPolicy.problems(password, user: "teller1").isEmpty)
    }
}
