import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Calls on a running `countersign serve` process (tests of two instances), over plain HTTP.
extension ServiceProcess {
    struct Reply: @unchecked Sendable {
        let status: Int
        let json: [String: Any]
        var code: String { ((json["error"] as? [String: Any])?["code"] as? String) ?? "" }
        var message: String { ((json["error"] as? [String: Any])?["message"] as? String) ?? "" }
    }

    func call(_ method: String, _ path: String, token: String?, body: String? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(
            status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:])
    }

    /// Signs `user` in with the tests' password, at `terminal` (tellers need one of their branch).
    func login(_ user: String, terminal: String? = "T01") async throws -> String {
        let at = terminal.map { #","terminal":"\#($0)""# } ?? ""
        let reply = try await call("POST", "/api/v1/sessions", token: nil, body: #"{"user":"\#(user)","password":"\#(WebHarness.password)"\#(at)}"#)
        return try #require(reply.json["token"] as? String, "\(reply.json)")
    }
}
