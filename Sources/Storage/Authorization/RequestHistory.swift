public import Authorization
import Foundation
import PostgresNIO

/// What came before a request, for the officer judging it: every version of the authorization (of this transaction
/// and of the rejected or withdrawn ones it replaces) with each officer's decision and reason, and the same
/// account's (or customer's) recent transactions with how they ended.
public struct RequestHistory: Sendable, Codable {
    public struct Decision: Sendable, Codable {
        public let officer: String
        public let decision: AuthorizationDecision
        public let reason: String?
        public let decidedAtUs: Int64

        enum CodingKeys: String, CodingKey {
            case officer, decision, reason
            case decidedAtUs = "decided_at_us"
        }
    }

    public struct Version: Sendable, Codable {
        public let transaction: String
        public let request: String
        public let version: Int
        public let mode: String
        public let state: RequestState
        public let createdAtUs: Int64
        public let decisions: [Decision]

        enum CodingKeys: String, CodingKey {
            case transaction, request, version, mode, state, decisions
            case createdAtUs = "created_at_us"
        }
    }

    public struct Earlier: Sendable, Codable {
        public let transaction: String
        public let code: String
        public let amountMinor: Int64
        public let currency: String
        public let submittedAtUs: Int64
        public let state: TransactionState
        /// The state of its newest authorization request, if it had one; `withdrawn` when the teller withdrew it.
        public let requestState: RequestState?
        /// Why it did not go ahead: the last rejection or return reason, or the teller's withdrawal reason.
        public let reason: String?

        enum CodingKeys: String, CodingKey {
            case transaction, code, currency, state, reason
            case amountMinor = "amount_minor"
            case submittedAtUs = "submitted_at_us"
            case requestState = "request_state"
        }
    }

    /// The rule set the transaction was judged by, and the rules of it that matched.
    public let ruleSetVersion: String
    public let matchedRules: [String]
    public let versions: [Version]
    /// The teller's reason, when this transaction was withdrawn.
    public let withdrawal: String?
    /// At most ten, newest first, from 180 days before this transaction on (later ones too: a duplicate at another
    /// counter matters as much as an earlier one); none when its subject is not recorded.
    public let account: [Earlier]

    enum CodingKeys: String, CodingKey {
        case versions, withdrawal, account
        case ruleSetVersion = "rule_set_version"
        case matchedRules = "matched_rules"
    }

    /// How far back, and how many, of the account's transactions the officer is shown.
    public static let accountDays = 180
    public static let accountLimit = 10
}

extension AuthorizationStore {
    /// The history of transaction `id`, in one query; nil when there is no such transaction.
    public static func history(transaction id: String, in tx: Transaction) async throws -> RequestHistory? {
        let rows = try await tx.query(
            """
            WITH RECURSIVE chain (id, depth) AS (
                SELECT id, 0 FROM teller_transactions WHERE id = \(id)
                UNION ALL
                SELECT t.replaces, c.depth + 1 FROM chain c JOIN teller_transactions t ON t.id = c.id
                WHERE t.replaces IS NOT NULL AND c.depth < 10),
            me AS (SELECT id, subject_tag, submitted_at, rule_set_version, matched_rules FROM teller_transactions WHERE id = \(id)),
            versions AS (
                SELECT r.transaction_id, r.id, r.version, r.mode, r.state, r.created_at,
                    coalesce((SELECT jsonb_agg(jsonb_build_object('officer', d.officer_id, 'decision', d.decision, 'reason', d.reason,
                                  'decided_at_us', ts_to_us(d.decided_at)) ORDER BY d.decided_at)
                              FROM authz_decisions d WHERE d.request_id = r.id), '[]'::jsonb) AS decisions
                FROM authz_requests r JOIN chain c ON c.id = r.transaction_id),
            earlier AS (
                SELECT t.id, t.code, t.amount_minor, t.currency, t.submitted_at, t.state,
                    CASE WHEN EXISTS (SELECT 1 FROM txn_withdrawals w WHERE w.transaction_id = t.id) THEN 'withdrawn'
                         ELSE (SELECT r.state FROM authz_requests r WHERE r.transaction_id = t.id ORDER BY r.version DESC LIMIT 1)
                    END AS request_state,
                    coalesce(
                        (SELECT w.reason FROM txn_withdrawals w WHERE w.transaction_id = t.id),
                        (SELECT d.reason FROM authz_requests r JOIN authz_decisions d ON d.request_id = r.id
                         WHERE r.transaction_id = t.id AND d.decision <> 'approve' ORDER BY d.decided_at DESC LIMIT 1)) AS reason
                FROM teller_transactions t, me
                WHERE me.subject_tag IS NOT NULL AND t.subject_tag = me.subject_tag AND t.id <> me.id
                  AND t.submitted_at > me.submitted_at - \(Int32(RequestHistory.accountDays)) * interval '1 day'
                ORDER BY t.submitted_at DESC, t.id DESC LIMIT \(Int32(RequestHistory.accountLimit)))
            SELECT jsonb_build_object(
                'rule_set_version', me.rule_set_version, 'matched_rules', to_jsonb(me.matched_rules),
                'versions', coalesce((SELECT jsonb_agg(jsonb_build_object('transaction', v.transaction_id, 'request', v.id,
                    'version', v.version, 'mode', v.mode, 'state', v.state, 'created_at_us', ts_to_us(v.created_at),
                    'decisions', v.decisions) ORDER BY v.created_at, v.id) FROM versions v), '[]'::jsonb),
                'withdrawal', (SELECT w.reason FROM txn_withdrawals w WHERE w.transaction_id = me.id),
                'account', coalesce((SELECT jsonb_agg(jsonb_build_object('transaction', e.id, 'code', e.code,
                    'amount_minor', e.amount_minor, 'currency', e.currency, 'submitted_at_us', ts_to_us(e.submitted_at),
                    'state', e.state, 'request_state', e.request_state, 'reason', e.reason) ORDER BY e.submitted_at DESC, e.id DESC)
                    FROM earlier e), '[]'::jsonb))::text
            FROM me
            """, context: "request history")
        for try await json in rows.decode(String.self) { return try JSONDecoder().decode(RequestHistory.self, from: Data(json.utf8)) }
        return nil
    }
}
