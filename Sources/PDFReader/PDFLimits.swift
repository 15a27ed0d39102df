/// How much of a PDF the reader accepts before it refuses the file. A voucher this service writes stays far
/// inside every bound (one page, a few dozen objects, two or three revisions, two or three signatures); the
/// bounds exist so that a file anyone may upload to `/verify` costs bounded time, memory and stack.
public struct PDFLimits: Sendable {
    /// Larger files are refused before any parsing.
    public var maximumBytes = 16 * 1024 * 1024
    /// Arrays and dictionaries inside one another: each level is a level of recursion in the scanner.
    public var maximumNesting = 32
    /// Keys in one dictionary.
    public var maximumDictionaryEntries = 512
    /// References in one array (/Fields, /Annots, /Kids).
    public var maximumArrayReferences = 4096
    /// Cross-reference sections, i.e. revisions, in one file.
    public var maximumRevisions = 64
    /// Cross-reference entries in all sections together.
    public var maximumObjects = 200_000
    /// Entries of the form's /Fields that are looked at.
    public var maximumFields = 256
    /// Signature fields; each one costs a hash over (most of) the file.
    public var maximumSignatures = 16
    /// Bytes of one signature's /Contents once decoded (a CMS with a time-stamp and chain is well under this).
    public var maximumSignatureBytes = 256 * 1024

    public init() {}

    public static let standard = PDFLimits()
}
