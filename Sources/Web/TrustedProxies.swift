import Foundation
import Services

/// The reverse proxies whose `X-Forwarded-For` names the real client. Behind a proxy every customer arrives from
/// the proxy's address, so per-client limits need the forwarded one — but only from a proxy we trust: anyone else
/// can write the header. Entries are IPv4 addresses or networks (`10.0.0.0/8`) and exact IPv6 addresses.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        let address: UInt32
        let mask: UInt32
    }

    private let networks: [Network]
    private let exact: Set<String>

    public static let none = TrustedProxies(networks: [], exact: [])

    private init(networks: [Network], exact: Set<String>) {
        self.networks = networks
        self.exact = exact
    }

    /// Parses `COUNTERSIGN_TRUSTED_PROXIES` ("127.0.0.1, 10.1.0.0/16, ::1"); nil names the first bad entry.
    public static func parse(_ text: String) -> Result<TrustedProxies, ParseError> {
        var networks: [Network] = []
        var exact = Set<String>()
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            if let address = ipv4(parts[0]) {
                let bits = parts.count == 2 ? Int(parts[1]) : 32
                guard let bits, (0...32).contains(bits) else { return .failure(ParseError(entry: entry)) }
                let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
                networks.append(Network(address: address & mask, mask: mask))
            } else if parts.count == 1, entry.contains(":"), entry.utf8.count <= 45 {
                exact.insert(entry.lowercased())
            } else {
                return .failure(ParseError(entry: entry))
            }
        }
        return .success(TrustedProxies(networks: networks, exact: exact))
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let entry: String
        public var description: String { "COUNTERSIGN_TRUSTED_PROXIES: '\(entry)' is not an IP address or an IPv4 network" }
    }

    public func contains(_ address: String) -> Bool {
        if let value = Self.ipv4(address) { return networks.contains { value & $0.mask == $0.address } }
        return exact.contains(address.lowercased())
    }

    /// The client behind `peer`: when the peer is a trusted proxy, the right-most `X-Forwarded-For` entry that is not
    /// itself a trusted proxy (the left part of the header is whatever the client chose to send).
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty && !contains(hop) {
            return hop.utf8.count <= 45 ? hop : peer
        }
        return hops.first(where: { !$0.isEmpty }) ?? peer
    }

    static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
