public import Foundation

/// A point in time at the precision PostgreSQL's `timestamptz` keeps: whole microseconds since the Unix epoch.
///
/// Audit hashes cover the time, so the time must survive a round trip through the database bit for bit.
/// `Date` is a `Double` and cannot promise that; an integer count of microseconds can.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Truncates a `Date` to whole microseconds (towards the past, as PostgreSQL does not round for us here).
    public init(_ date: Date) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded(.down)
        self.microsecondsSinceEpoch = Int64(micros)
    }

    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// In JSON (checkpoint files, API answers) a timestamp is its integer count of microseconds. Declared here, with
    /// the conformance: implementations in another module's extension would be ignored for the synthesized ones.
    public init(from decoder: any Decoder) throws {
        self.init(microsecondsSinceEpoch: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(microsecondsSinceEpoch)
    }

    /// RFC 3339 with six fractional digits, in UTC: exact, unlike a formatter going through `Date`.
    /// RFC 3339 in UTC with microseconds, e.g. `2026-11-23T06:05:09.000123Z`. Written digit by digit: it is in
    /// every pre-fill answer, and `String(format:)` is a slow Foundation call on Linux.
    public var description: String {
        let t = civil()
        var out: [UInt8] = []
        out.reserveCapacity(27)
        func digits(_ value: Int64, _ count: Int) {
            let text = String(value).utf8
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, count - text.count)))
            out.append(contentsOf: text)
        }
        digits(t.year, 4)
        out.append(UInt8(ascii: "-"))
        digits(t.month, 2)
        out.append(UInt8(ascii: "-"))
        digits(t.day, 2)
        out.append(UInt8(ascii: "T"))
        digits(t.hour, 2)
        out.append(UInt8(ascii: ":"))
        digits(t.minute, 2)
        out.append(UInt8(ascii: ":"))
        digits(t.second, 2)
        out.append(UInt8(ascii: "."))
        digits(t.microsecond, 6)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The wall-clock reading at `offsetMinutes` from UTC (proleptic Gregorian calendar), without a `Calendar`:
    /// the one place the service turns a time into a date (audit text, PDF signing times, voucher times, business hours).
    public struct Civil: Sendable, Equatable {
        public let year: Int64
        public let month: Int64
        public let day: Int64
        public let hour: Int64
        public let minute: Int64
        public let second: Int64
        public let microsecond: Int64
    }

    public func civil(offsetMinutes: Int = 0) -> Civil {
        let local = microsecondsSinceEpoch + Int64(offsetMinutes) * 60_000_000
        let seconds = local.floorDivided(by: 1_000_000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        return Civil(
            year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60, second: secondOfDay % 60,
            microsecond: local - seconds * 1_000_000)
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
