/// A broken form definition or catalogue (found when the service starts), or a form that does not exist.
public struct FormError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badDefinition = "form.bad_definition"
        case unknownForm = "form.unknown"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
