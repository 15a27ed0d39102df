extension RawRepresentable where RawValue == String {
    /// The state a row holds, as its type: the database's CHECK constraints allow only known values, so anything
    /// else means the schema and this code disagree — an error, never a guess.
    static func stored(_ raw: String, column: String) throws -> Self {
        guard let value = Self(rawValue: raw) else { throw StorageError(.queryFailed, "\(column) holds '\(raw)', which this version does not know") }
        return value
    }
}
