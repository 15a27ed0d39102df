import Foundation

/// Splits a migration file into statements.
///
/// PostgresNIO speaks the extended query protocol, which takes one statement at a time, so a file has to be cut
/// at its top-level semicolons — not those inside quotes, comments or `$tag$ … $tag$` function bodies.
enum SQLScript {
    static func statements(in script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty, !isOnlyComments(text) { statements.append(text) }
            current = String.UnicodeScalarView()
        }
        func copy(until end: Int) {
            current.append(contentsOf: chars[index..<min(end, chars.count)])
            index = min(end, chars.count)
        }

        while index < chars.count {
            let c = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            switch c {
            case "-" where next == "-":
                copy(until: (chars[index...].firstIndex(of: "\n") ?? chars.count))
            case "/" where next == "*":
                copy(until: (find(["*", "/"], in: chars, from: index + 2) ?? chars.count) + 2)
            case "'", "\"":
                var end = index + 1
                while end < chars.count {
                    if chars[end] == c {
                        if end + 1 < chars.count, chars[end + 1] == c { end += 2; continue }
                        break
                    }
                    end += 1
                }
                copy(until: end + 1)
            case "$":
                if let tagEnd = dollarTagEnd(chars, from: index) {
                    let tag = Array(chars[index...tagEnd])
                    let close = find(tag, in: chars, from: tagEnd + 1) ?? chars.count
                    copy(until: close + tag.count)
                } else {
                    copy(until: index + 1)
                }
            case ";":
                index += 1
                flush()
            default:
                copy(until: index + 1)
            }
        }
        flush()
        return statements
    }

    /// `$tag$` opens a dollar-quoted string when the tag is empty or an identifier.
    private static func dollarTagEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var end = start + 1
        while end < chars.count {
            let c = chars[end]
            if c == "$" { return end }
            let isIdentifier = c == "_" || c.properties.isAlphabetic || (end > start + 1 && ("0"..."9").contains(c))
            if !isIdentifier { return nil }
            end += 1
        }
        return nil
    }

    private static func find(_ needle: [Unicode.Scalar], in chars: [Unicode.Scalar], from start: Int) -> Int? {
        guard !needle.isEmpty, chars.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= chars.count {
            if chars[index] == needle[0], Array(chars[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}
