/// What the application layer answers when it will not do what was asked: a stable code (its raw value is what
/// clients compare, and `ErrorCatalogue` holds its words in Chinese and English), a message with the particulars,
/// and, for refusals worth retrying, how long to wait. Each domain has its own code enum and a name for its errors
/// (`AuthorizationError`, `CounterError`, …); the HTTP status of every code is decided in one table in Web
/// (`Web/ErrorStatus.swift`), never here.
public struct Refusal<Code: RawRepresentable<String> & CaseIterable & Sendable>: Error, Sendable, CustomStringConvertible {
    public let code: Code
    public let message: String
    /// For refusals that pass (busy, locked for a while): seconds until asking again makes sense.
    public let retryAfterSeconds: Int64?

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int64? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Something the service's own records contradict (a stored digest that does not match what it sealed, a row that
/// should exist and does not). Never the caller's fault: answered as an internal error that reveals nothing, and
/// logged with this message.
public struct InconsistencyError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "inconsistent records: \(message)" }
}
