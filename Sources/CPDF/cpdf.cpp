// PoDoFo 0.9.8 behind a plain C surface (include/cpdf.h). Every entry point catches every exception: a C++
// exception escaping into Swift would abort the process.
#include "cpdf.h"

#include <podofo/podofo.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

using namespace PoDoFo;

struct cp_document {
    PdfMemDocument document;
    PdfPage *page = nullptr;
    PdfFont *font = nullptr;
    PdfPainter painter;
    bool finished = false;
};

namespace {

int report(int status, char *err, size_t errlen, const std::string &what) {
    if (err && errlen > 0) std::snprintf(err, errlen, "%s", what.c_str());
    return status;
}

// Runs body, turning PoDoFo errors and any other exception into a status and message.
template <typename Body> int guarded(char *err, size_t errlen, int failure, Body body) {
    try {
        return body();
    } catch (const PdfError &error) {
        const char *name = PdfError::ErrorName(error.GetError());
        std::string message = std::string("PoDoFo: ") + (name ? name : "error");
        if (!error.GetCallstack().empty()) {
            const std::string &info = error.GetCallstack().front().GetInformation();
            if (!info.empty()) message += " (" + info + ")";
        }
        return report(failure, err, errlen, message);
    } catch (const std::bad_alloc &) {
        return report(CP_ERR_MEMORY, err, errlen, "out of memory");
    } catch (const std::exception &error) {
        return report(failure, err, errlen, error.what());
    } catch (...) {
        return report(failure, err, errlen, "unknown C++ exception");
    }
}

bool usable(const cp_document *doc) { return doc && doc->page && doc->font && !doc->finished; }

}  // namespace

extern "C" {

int cp_document_new(double width, double height, const char *font_path, cp_document **out, char *err, size_t errlen) {
    if (!font_path || !out || width <= 0 || height <= 0) return report(CP_ERR_ARGUMENT, err, errlen, "bad page size or missing font");
    // PoDoFo prints its errors to stderr; ours go back to the caller as messages instead.
    static const bool quiet = (PdfError::EnableLogging(false), PdfError::EnableDebug(false), true);
    (void)quiet;
    return guarded(err, errlen, CP_ERR_PDF, [&]() -> int {
        auto doc = std::make_unique<cp_document>();
        doc->document.SetPdfVersion(ePdfVersion_1_7);
        doc->page = doc->document.CreatePage(PdfRect(0, 0, width, height));
        // One subset font per document, Identity-H: every glyph the voucher uses, and only those, is embedded.
        doc->font = doc->document.CreateFontSubset("VoucherFont", false, false, false,
                                                   PdfEncodingFactory::GlobalIdentityEncodingInstance(), font_path);
        if (!doc->font) return report(CP_ERR_FONT, err, errlen, std::string("cannot load the font ") + font_path);
        doc->painter.SetPage(doc->page);
        doc->painter.SetFont(doc->font);
        *out = doc.release();
        return CP_OK;
    });
}

void cp_document_free(cp_document *doc) {
    if (!doc) return;
    try {
        if (!doc->finished) doc->painter.FinishPage();
    } catch (...) {
    }
    delete doc;
}

int cp_new_page(cp_document *doc, char *err, size_t errlen) {
    if (!usable(doc)) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open");
    return guarded(err, errlen, CP_ERR_PDF, [&] {
        PdfRect size = doc->page->GetMediaBox();
        doc->painter.FinishPage();
        doc->page = doc->document.CreatePage(size);
        doc->painter.SetPage(doc->page);
        doc->painter.SetFont(doc->font);
        return CP_OK;
    });
}

int cp_set_color(cp_document *doc, double r, double g, double b, char *err, size_t errlen) {
    if (!usable(doc)) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open");
    return guarded(err, errlen, CP_ERR_PDF, [&] {
        doc->painter.SetColor(r, g, b);
        doc->painter.SetStrokingColor(r, g, b);
        return CP_OK;
    });
}

int cp_text(cp_document *doc, double x, double y, double size, const char *utf8, char *err, size_t errlen) {
    if (!usable(doc) || !utf8 || size <= 0) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open or bad text");
    return guarded(err, errlen, CP_ERR_PDF, [&] {
        doc->font->SetFontSize(static_cast<float>(size));
        doc->painter.SetFont(doc->font);
        doc->painter.DrawText(x, y, PdfString(reinterpret_cast<const pdf_utf8 *>(utf8)));
        return CP_OK;
    });
}

int cp_text_width(cp_document *doc, double size, const char *utf8, double *width, char *err, size_t errlen) {
    if (!usable(doc) || !utf8 || !width) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open or bad text");
    return guarded(err, errlen, CP_ERR_PDF, [&] {
        doc->font->SetFontSize(static_cast<float>(size));
        *width = doc->font->GetFontMetrics()->StringWidth(PdfString(reinterpret_cast<const pdf_utf8 *>(utf8)));
        return CP_OK;
    });
}

int cp_line(cp_document *doc, double x1, double y1, double x2, double y2, double line_width, char *err, size_t errlen) {
    if (!usable(doc)) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open");
    return guarded(err, errlen, CP_ERR_PDF, [&] {
        doc->painter.SetStrokeWidth(line_width);
        doc->painter.DrawLine(x1, y1, x2, y2);
        return CP_OK;
    });
}

int cp_rect(cp_document *doc, double x, double y, double w, double h, double line_width, char *err, size_t errlen) {
    if (!usable(doc)) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open");
    return guarded(err, errlen, CP_ERR_PDF, [&] {
        doc->painter.SetStrokeWidth(line_width);
        doc->painter.Rectangle(x, y, w, h);
        doc->painter.Stroke();
        return CP_OK;
    });
}

int cp_attach(cp_document *doc, const char *name, const uint8_t *bytes, size_t length, const char *mime, const char *description, char *err,
              size_t errlen) {
    if (!usable(doc) || !name || !bytes || !mime) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open or no file");
    return guarded(err, errlen, CP_ERR_PDF, [&] {
        PdfFileSpec spec(name, bytes, static_cast<ptrdiff_t>(length), &doc->document, true);
        PdfObject *object = spec.GetObject();
        object->GetDictionary().AddKey("AFRelationship", PdfName("Supplement"));
        if (description) object->GetDictionary().AddKey("Desc", PdfString(reinterpret_cast<const pdf_utf8 *>(description)));
        // The embedded stream says what it holds, so a reader need not guess from the name.
        PdfObject *files = object->GetDictionary().GetKey("EF");
        PdfObject *file = files && files->IsDictionary() ? files->GetDictionary().GetKey("F") : nullptr;
        PdfObject *stream = file && file->IsReference() ? doc->document.GetObjects().GetObject(file->GetReference()) : nullptr;
        if (stream) stream->GetDictionary().AddKey("Subtype", PdfName(mime));
        // Keyed by the file name as a string (AttachFile would key it by an escaped PDF name, "x2Dy" for "x-y").
        doc->document.GetNamesTree()->AddValue(PdfName("EmbeddedFiles"), PdfString(name), object->Reference());
        PdfArray associated;
        associated.push_back(object->Reference());
        doc->document.GetCatalog()->GetDictionary().AddKey("AF", associated);
        return CP_OK;
    });
}

int cp_document_write(cp_document *doc, const char *title, uint8_t **pdf, size_t *pdf_len, char *err, size_t errlen) {
    if (!usable(doc) || !pdf || !pdf_len) return report(CP_ERR_ARGUMENT, err, errlen, "document is not open");
    return guarded(err, errlen, CP_ERR_PDF, [&]() -> int {
        doc->painter.FinishPage();
        doc->finished = true;
        if (title) doc->document.GetInfo()->SetTitle(PdfString(reinterpret_cast<const pdf_utf8 *>(title)));
        doc->document.GetInfo()->SetProducer(PdfString("Countersign"));
        // Written to memory: no temporary files on the signing path.
        PdfRefCountedBuffer buffer;
        PdfOutputDevice device(&buffer);
        doc->document.Write(&device);
        size_t length = device.GetLength();
        auto *bytes = static_cast<uint8_t *>(std::malloc(length));
        if (!bytes) return report(CP_ERR_MEMORY, err, errlen, "out of memory");
        std::memcpy(bytes, buffer.GetBuffer(), length);
        *pdf = bytes;
        *pdf_len = length;
        return CP_OK;
    });
}

void cp_free(void *pointer) { std::free(pointer); }

}  // extern "C"
