import Audit
import Testing

@Suite struct AuditLimitsTests {
    @Test func aReasonableEventPasses() throws {
        try AuditLimits.validate(AuditEvent(actor: "teller1", branch: "BR001", terminal: "T1", action: "session.login", subject: "user:teller1"))
    }

    @Test func theChainDefaultsToTheBranchThenCentral() {
        #expect(AuditEvent(actor: "a", branch: "BR009", action: "x.y", subject: "s").chain == "BR009")
        #expect(AuditEvent(actor: "a", action: "x.y", subject: "s").chain == AuditEvent.centralChain)
    }

    @Test(arguments: [
        AuditEvent(actor: "", action: "session.login", subject: "s"),
        AuditEvent(actor: "a", action: "Login", subject: "s"),
        AuditEvent(actor: "a", action: "session", subject: "s"),
        AuditEvent(actor: "a", action: "session..login", subject: "s"),
        AuditEvent(actor: "a", branch: "BR 001", action: "session.login", subject: "s"),
        AuditEvent(chain: "", actor: "a", action: "session.login", subject: "s"),
        AuditEvent(actor: "a", action: "session.login", subject: String(repeating: "x", count: 201)),
        AuditEvent(actor: "a\n", action: "session.login", subject: "s"),
        AuditEvent(actor: "a", action: "session.login", subject: "s", payload: ["big": .string(String(repeating: "x", count: 70_000))]),
    ])
    func outOfBoundsFieldsAreRefused(event: AuditEvent) {
        #expect(throws: AuditError.self) { try AuditLimits.validate(event) }
    }
}
