public import Foundation
public import Vouchers

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How the service time-stamps every signature it makes (issue #16: PAdES B-T, never silently B-B): through an
/// external TSA (`COUNTERSIGN_TSA_URL`), or its own development TSA in process (`COUNTERSIGN_TSA_P12`, default
/// `Certs/tsa.p12`, also served at `POST /tsa`). Either way each reply is checked against the trusted TSA roots
/// (`COUNTERSIGN_TSA_ROOTS`, default `Certs/tsa-root.pem`) before it is used.
public struct TimeStamping: Sendable {
    public let stamper: TimeStamper
    /// The in-process TSA; nil when an external one is used.
    public let local: LocalTimeStampAuthority?

    public init(stamper: TimeStamper, local: LocalTimeStampAuthority?) {
        self.stamper = stamper
        self.local = local
    }

    /// The in-process development TSA of a PKI folder (its `tsa.p12`, trusted through its `tsa-root.pem`).
    public static func development(folder: URL, password: String) throws -> TimeStamping {
        try configure(environment: [
            "COUNTERSIGN_TSA_P12": folder.appendingPathComponent("tsa.p12").path,
            "COUNTERSIGN_TSA_ROOTS": folder.appendingPathComponent("tsa-root.pem").path,
            "COUNTERSIGN_P12_PASSWORD": password,
        ])
    }

    public static func configure(environment: [String: String]) throws -> TimeStamping {
        let rootsFile = environment["COUNTERSIGN_TSA_ROOTS"] ?? "Certs/tsa-root.pem"
        guard let roots = try? String(contentsOfFile: rootsFile, encoding: .utf8) else {
            throw VoucherError(.badSignerFile, "the trusted time-stamping roots \(rootsFile) cannot be read")
        }
        if let address = environment["COUNTERSIGN_TSA_URL"], !address.isEmpty {
            guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https" else {
                throw VoucherError(.badInput, "COUNTERSIGN_TSA_URL is not an http(s) URL: \(address)")
            }
            return TimeStamping(stamper: TimeStamper(authority: HTTPTimeStampAuthority(url: url), trustedRootsPEM: roots), local: nil)
        }
        let file = environment["COUNTERSIGN_TSA_P12"] ?? "Certs/tsa.p12"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw VoucherError(.badSignerFile, "no time-stamp authority: \(file) is missing and COUNTERSIGN_TSA_URL is not set")
        }
        let local = LocalTimeStampAuthority(
            signer: try Signer.pkcs12(data, password: environment["COUNTERSIGN_P12_PASSWORD"] ?? DevelopmentPKI.password))
        return TimeStamping(stamper: TimeStamper(authority: local, trustedRootsPEM: roots), local: local)
    }
}

/// An external TSA over HTTP (RFC 3161 §3.4): the query POSTed as `application/timestamp-query`, the reply read as
/// `application/timestamp-reply`, within a deadline. What it answers is checked by ``TimeStamper``.
public struct HTTPTimeStampAuthority: TimeStampAuthority {
    public let url: URL
    public let timeout: TimeInterval
    /// A reply with a token and the TSA's certificates is a few kilobytes; anything far larger is not one.
    static let maximumReplyBytes = 256 * 1024

    public init(url: URL, timeout: TimeInterval = 10) {
        self.url = url
        self.timeout = timeout
    }

    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// No redirects: a TSA that answers elsewhere (another host, plain http) is not followed.
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

    public func reply(to query: [UInt8]) async throws -> [UInt8] {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(query)
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
        guard http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("application/timestamp-reply") == true,
            data.count <= Self.maximumReplyBytes
        else { throw Refused(description: "\(url) did not answer with a time-stamp reply") }
        return Array(data)
    }
}
