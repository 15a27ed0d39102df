import Foundation
import Storage
import Testing

/// Limits that once cut features off (issue #13): the body limit was smaller than the material the rules allow,
/// and a snapshot longer than NOTIFY's 8,000 bytes stopped the push feed.
@Suite struct FeedAndMaterialLimitsTests {
    /// Two scans of 500 KiB (1.3 MB of JSON) pass where every other route keeps its 1 MiB limit.
    @Test func theMaterialTheRulesAllowFitsTheBodyLimit() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let scan = Data(repeating: 0x42, count: 500 * 1024).base64EncodedString()
            let material = ["id_scan", "voucher_image"].map { #"{"kind":"\#($0)","media_type":"image/png","data":"\#(scan)"}"# }
            let request = try await h.requestAuthorization(teller, transaction: transaction, mode: "cross-terminal", material: material)
            #expect(request.state == .pending)
            let elsewhere = try await h.call(.post, "/api/v1/transactions", token: teller, body: #"{"pad":"\#(scan + scan)"}"#)
            #expect(elsewhere.status == .contentTooLarge)
        }
    }

    /// A feed row whose snapshot is far over 8,000 bytes is still pushed, by its feed id, and the rows after it too.
    @Test func aSnapshotTooLongForNotifyIsStillPushed() async throws {
        try await AuthzHarness.run { h in
            let teller = try await h.login("teller1")
            // The supervisor it is offered to hears it (the teller is not told whom it is offered to: 背对背).
            let supervisor = try await h.login("super1", terminal: "T02")
            try await h.presence(supervisor, "online")
            let feed = try await FeedListener.connect(port: h.client.port!, token: supervisor)
            defer { feed.close() }
            let transaction = try await h.submit(teller, AuthzHarness.submission(amount: "60000.00"))
            let request = try await h.requestAuthorization(
                teller, transaction: transaction, mode: "cross-terminal", material: [AuthzHarness.idScan, AuthzHarness.voucherImage])
            try await feed.next { $0.id == request.id && $0.state == .pending }
            try await h.db.with(h.db.owner) { db in
                try await db.read { tx in
                    try await tx.query(
                        """
                        INSERT INTO authz_feed (request_id, snapshot)
                        SELECT request_id, jsonb_set(snapshot, '{offered_to}', (SELECT jsonb_agg('officer-' || g) FROM generate_series(1, 1000) g))
                        FROM authz_feed WHERE request_id = \(request.id) ORDER BY id DESC LIMIT 1
                        """)
                }
            }
            _ = await AuthorizationStore.announce(h.database)
            let long = try await feed.next { $0.id == request.id && ($0.offeredTo?.count ?? 0) == 1000 }
            #expect(long.feedID != nil)
        }
    }
}
