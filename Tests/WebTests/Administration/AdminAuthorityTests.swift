import Foundation
import Storage
import TestSupport
import Testing

/// Issue #18, on review: an officer's authority is withdrawn, or taken with a demotion, only while they are not at
/// work, and nothing of it is left behind (their presence row, their limits).
@Suite struct AdminAuthorityTests {
    @Test func authorityGoesOnlyWhenTheOfficerIsNotAtWorkAndLeavesNothingBehind() async throws {
        try await AuthzHarness.run { h in
            let sec1 = try await h.login("sec1")
            let sec2 = try await h.login("sec2")
            func propose(_ body: String) async throws -> TestAPI.Reply {
                try await h.call(.post, "/api/v1/admin/changes", token: sec1, body: body)
            }
            func approve(_ reply: TestAPI.Reply) async throws -> TestAPI.Reply {
                let id = try #require((reply.json["id"] as? NSNumber)?.int64Value, "\(String(decoding: reply.body, as: UTF8.self))")
                return try await h.call(.post, "/api/v1/admin/changes/\(id)/approve", token: sec2, body: #"{"password":"correct horse"}"#)
            }
            func rows(_ table: String, _ user: String) async throws -> Int {
                try await WebHarness.count("SELECT count(*)::int FROM \(table) WHERE user_id = '\(user)'", in: h.db)
            }
            let revoke = #"{"password":"correct horse","kind":"authority.revoke","target":"officer1"}"#
            // Online: requests are offered to them; their authority is not pulled from under them.
            let officer = try await h.login("officer1", terminal: "C01")
            try await h.presence(officer, "online")
            let busy = try await propose(revoke)
            #expect(busy.status == .conflict && busy.code == "admin.user_busy")
            // Offline (they have been online: a presence row exists), it goes, with the row and the limits.
            try await h.presence(officer, "offline")
            #expect(try await rows("officer_presence", "officer1") == 1)
            #expect(try await approve(try await propose(revoke)).status == .ok)
            #expect(try await rows("officer_authority", "officer1") == 0)
            #expect(try await rows("officer_limits", "officer1") == 0)
            #expect(try await rows("officer_presence", "officer1") == 0)

            // A centre officer who becomes a teller loses the authority with the role.
            #expect(try await rows("officer_authority", "officer2") == 1)
            let demotion = try await propose(
                #"{"password":"correct horse","kind":"user.change_role","target":"officer2","details":{"role":"teller","branch":"BR001"}}"#)
            #expect(try await approve(demotion).status == .ok)
            #expect(try await rows("officer_authority", "officer2") == 0)
            #expect(try await rows("officer_limits", "officer2") == 0)
        }
    }
}
