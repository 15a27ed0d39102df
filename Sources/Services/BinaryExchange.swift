public import Foundation
public import Vouchers

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One request and answer in DER with an authority outside the service (a TSA, the CA's OCSP responder): POSTed,
/// no redirects followed, the whole exchange within one deadline, the answer's type and size checked. What the
/// answer says is checked by the caller.
struct BinaryExchange: Sendable {
    let url: URL
    let timeout: TimeInterval
    let contentType: String
    let answerType: String
    let maximumBytes: Int

    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// No redirects: an authority that answers elsewhere (another host, plain http) is not followed.
    final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
            completionHandler: @escaping (URLRequest?) -> Void
        ) { completionHandler(nil) }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    /// POSTs `body`, or GETs without one.
    func send(_ body: [UInt8]?) async throws -> [UInt8] {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        if let body {
            request.httpMethod = "POST"
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body)
        } else {
            request.httpMethod = "GET"
        }
        let prepared = request
        let deadline = timeout
        // The whole exchange within the deadline (the request's own timeout is only how long it may sit idle).
        let (data, response) = try await withThrowingTaskGroup(of: (Data, URLResponse).self) { group in
            group.addTask { try await Self.session.data(for: prepared) }
            group.addTask {
                try await Task.sleep(for: .seconds(deadline))
                throw Refused(description: "no answer within \(deadline) s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw Refused(description: "\(url) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        guard http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix(answerType) == true, data.count <= maximumBytes else {
            throw Refused(description: "\(url) did not answer with \(answerType)")
        }
        return Array(data)
    }
}

/// The bank CA's OCSP responder over HTTP (RFC 6960 Appendix A.1, POST), named by `COUNTERSIGN_OCSP_URL`, and its
/// CAs' and TSA's CRLs (`COUNTERSIGN_CRL_URLS`, fetched with GET).
public struct HTTPRevocationAuthority: RevocationAuthority {
    public let url: URL
    public let crlURLs: [URL]
    public let timeout: TimeInterval

    public init(url: URL, crlURLs: [URL] = [], timeout: TimeInterval = 10) {
        self.url = url
        self.crlURLs = crlURLs
        self.timeout = timeout
    }

    public func answer(_ request: [UInt8]) async throws -> [UInt8] {
        try await BinaryExchange(
            url: url, timeout: timeout, contentType: "application/ocsp-request", answerType: "application/ocsp-response",
            maximumBytes: 64 * 1024
        ).send(request)
    }

    public func revocationLists() async throws -> [[UInt8]] {
        var lists: [[UInt8]] = []
        for url in crlURLs {
            lists.append(
                try await BinaryExchange(url: url, timeout: timeout, contentType: "", answerType: "application/pkix-crl", maximumBytes: 16 << 20)
                    .send(nil))
        }
        return lists
    }
}
