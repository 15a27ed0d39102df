import CPDF

/// One page being drawn through the PoDoFo shim. Not shared: one canvas per render, as PoDoFo documents are not
/// thread-safe (many canvases in parallel are fine).
public final class PDFCanvas {
    private let handle: OpaquePointer
    private var error = [CChar](repeating: 0, count: 512)

    public init(width: Double, height: Double, fontPath: String) throws(VoucherError) {
        var handle: OpaquePointer?
        guard cp_document_new(width, height, fontPath, &handle, &error, error.count) == 0, let handle else {
            throw VoucherError(.renderingFailed, CCryptoText.message(error))
        }
        self.handle = handle
    }

    deinit { cp_document_free(handle) }

    public func newPage() throws(VoucherError) {
        try check(cp_new_page(handle, &error, error.count))
    }

    func color(_ red: Double, _ green: Double, _ blue: Double) throws(VoucherError) {
        try check(cp_set_color(handle, red, green, blue, &error, error.count))
    }

    public func text(_ text: String, x: Double, y: Double, size: Double) throws(VoucherError) {
        try check(cp_text(handle, x, y, size, text, &error, error.count))
    }

    func width(of text: String, size: Double) throws(VoucherError) -> Double {
        var width = 0.0
        try check(cp_text_width(handle, size, text, &width, &error, error.count))
        return width
    }

    func line(from start: (Double, Double), to end: (Double, Double), width: Double = 0.6) throws(VoucherError) {
        try check(cp_line(handle, start.0, start.1, end.0, end.1, width, &error, error.count))
    }

    func rect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.8) throws(VoucherError) {
        try check(cp_rect(handle, x, y, width, height, lineWidth, &error, error.count))
    }

    /// Embeds a file associated with the whole document (/AF).
    func attach(name: String, bytes: [UInt8], mime: String, description: String) throws(VoucherError) {
        try check(cp_attach(handle, name, bytes, bytes.count, mime, description, &error, error.count))
    }

    public func write(title: String) throws(VoucherError) -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        try check(cp_document_write(handle, title, &bytes, &length, &error, error.count))
        guard let bytes else { throw VoucherError(.renderingFailed, "no output") }
        defer { cp_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    private func check(_ status: Int32) throws(VoucherError) {
        guard status == 0 else { throw VoucherError(.renderingFailed, CCryptoText.message(error)) }
    }
}
