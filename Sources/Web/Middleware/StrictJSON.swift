import Foundation
public import Hummingbird
import Services

/// JSON as the API accepts it: one value per key. `{"amount":"100.00","amount":"5000000.00"}` is read as 100.00 by
/// Foundation and as 5,000,000.00 by most proxies, log parsers and audit tools, so an object with a repeated key is
/// refused (400 `request.duplicate_key`) instead of being judged on one reading and recorded on another.
public enum StrictJSON {
    /// Nesting beyond this is refused as well: no request of this API comes near it.
    static let maximumDepth = 64

    /// The first key that appears twice in one object (after unescaping), or nil.
    public static func duplicateKey<C: Collection<UInt8>>(in json: C) throws(AppError) -> String? {
        // One scan over contiguous bytes: walked generically through a ByteBufferView, a 1.3 MB body took over a
        // second in a debug build, which is what the test suite runs.
        let result = json.withContiguousStorageIfAvailable { bytes in Result { () throws(AppError) in try duplicateKey(inBytes: bytes) } }
        return try (result ?? Array(json).withUnsafeBufferPointer { bytes in Result { () throws(AppError) in try duplicateKey(inBytes: bytes) } })
            .get()
    }

    private static func duplicateKey(inBytes json: UnsafeBufferPointer<UInt8>) throws(AppError) -> String? {
        var objects: [Set<String>?] = []  // one entry per open container; nil for arrays
        var expectingKey = false
        var index = json.startIndex
        while index < json.endIndex {
            let byte = json[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard objects.count < maximumDepth else { throw AppError(.badRequest, code: "request.too_deep", "the JSON is nested too deeply") }
                objects.append(byte == UInt8(ascii: "{") ? [] : nil)
                expectingKey = byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = objects.popLast()
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = objects.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\""):
                let start = index
                var escaped = false
                index = json.index(after: index)
                while index < json.endIndex, json[index] != UInt8(ascii: "\"") || escaped {
                    escaped = !escaped && json[index] == UInt8(ascii: "\\")
                    index = json.index(after: index)
                }
                guard index < json.endIndex else { return nil }  // unterminated: the decoder will say so
                if expectingKey, var keys = objects.last ?? nil {
                    let key = decodeKey(json[start...index])
                    if !keys.insert(key).inserted { return key }
                    objects[objects.count - 1] = keys
                    expectingKey = false
                }
            default:
                break
            }
            index = json.index(after: index)
        }
        return nil
    }

    /// A key's text with its escapes resolved, so that "amount" and "\u0061mount" are one key.
    private static func decodeKey(_ literal: some Collection<UInt8>) -> String {
        guard literal.contains(UInt8(ascii: "\\")) else { return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self) }
        return (try? JSONDecoder().decode(String.self, from: Data(literal))) ?? String(decoding: literal, as: UTF8.self)
    }

    /// A WebSocket message as `T`, or nil when it is not JSON of that shape or repeats a key.
    static func message<T: Decodable>(_ type: T.Type, from text: String) -> T? {
        let bytes = Array(text.utf8)
        do {
            guard try duplicateKey(in: bytes) == nil else { return nil }
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            return nil
        }
    }

    /// Refuses a body or message with a repeated key.
    public static func requireUniqueKeys<C: Collection<UInt8>>(_ json: C) throws(AppError) {
        if let key = try duplicateKey(in: json) {
            throw AppError(
                .badRequest, code: "request.duplicate_key", "the key \"\(key.prefix(64))\" appears twice in one JSON object / JSON 对象中有重复的键")
        }
    }
}

/// Decodes request bodies with ``StrictJSON``'s check first, within the context's upload limit.
public struct StrictJSONRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        try StrictJSON.requireUniqueKeys(buffer.readableBytesView)
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}
