public import Kernel

// What the interceptor saw and said, as canonical JSON: stored with the transaction and in its audit event.

extension TransactionFacts {
    public var canonical: CanonicalJSON {
        [
            "code": .string(code), "amount_minor": .integer(amountMinor), "currency": .string(currency), "account_type": .string(accountType),
            "customer_risk": .string(customerRisk), "channel": .string(channel), "minute_of_day": .integer(Int64(minuteOfDay)),
        ]
    }
}

extension RuleSet.Requirement {
    public var canonical: CanonicalJSON {
        [
            "level": .integer(Int64(level)), "officers": .integer(Int64(officers)), "modes": .array(modes.map { .string($0.rawValue) }),
            "material": .array(material.map { .string($0) }),
            "timeouts": [
                "unclaimed_seconds": .integer(Int64(timeouts.unclaimedSeconds)), "lease_seconds": .integer(Int64(timeouts.leaseSeconds)),
                "teller_wait_seconds": .integer(Int64(timeouts.tellerWaitSeconds)),
            ],
        ]
    }
}

extension InterceptorDecision {
    /// The decision's fields, for the audit event (which adds the payload digest).
    public var canonicalFields: [String: CanonicalJSON] {
        [
            "required": .bool(required), "rule_set_version": .string(ruleSetVersion), "matched_rules": .array(matchedRules.map { .string($0) }),
            "facts": facts.canonical, "requirement": requirement?.canonical ?? .null,
        ]
    }
}
