import Accounts
import Testing

@Suite struct PasswordHashTests {
    @Test func theRightPasswordMatchesAndOthersDoNot() throws {
        let hash = try PasswordHash.make(password: "teller1-demo", rounds: 1 << 10)
        #expect(hash.encoded.hasPrefix("scrypt$1024$8$1$"))
        #expect(hash.matches("teller1-demo"))
        #expect(!hash.matches("teller1-dem0"))
        #expect(!hash.matches(""))
    }

    @Test func saltsDiffer() throws {
        #expect(try PasswordHash.make(password: "same", rounds: 1 << 10) != PasswordHash.make(password: "same", rounds: 1 << 10))
    }

    @Test(arguments: ["", "scrypt$x$8$1$AA==$AA==", "bcrypt$1$2$3$4$5", "scrypt$1073741824$8$1$AAAA$AAAA"])
    func malformedStoredValuesNeverMatch(encoded: String) {
        #expect(!PasswordHash(encoded: encoded).matches("anything"))
    }

    @Test func tokensAreRandomAndStoredOnlyAsDigests() {
        let a = SessionToken.generate()
        let b = SessionToken.generate()
        #expect(a != b)
        #expect(a.value.count == 43)
        #expect(a.digest.count == 32)
        #expect(a.digest != Array(a.value.utf8))
    }
}
