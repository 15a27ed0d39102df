/// A state, decision or other word the database stores as text and the API sends as it is: the enum's raw value.
/// Interpolated into a message it reads as stored (`needs_authorization`), not as the Swift case name.
public protocol StoredWord: RawRepresentable<String>, Sendable, CaseIterable, CustomStringConvertible {}

extension StoredWord {
    public var description: String { rawValue }
}
