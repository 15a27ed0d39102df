#ifndef COUNTERSIGN_CPDF_H
#define COUNTERSIGN_CPDF_H

/* A plain-C surface over PoDoFo 0.9.8 for rendering vouchers. No C++ crosses this header: every PoDoFo
 * exception is caught inside and returned as a negative status with a message in err (NUL-terminated).
 * Coordinates are PDF points from the bottom-left corner. Text is UTF-8 and is drawn with one embedded
 * subset of a single-face TrueType font (CIDFontType2, Identity-H), so CJK text stays extractable. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CP_OK = 0,
    CP_ERR_ARGUMENT = -1,
    CP_ERR_FONT = -2,
    CP_ERR_PDF = -3,
    CP_ERR_MEMORY = -4,
} cp_status;

typedef struct cp_document cp_document;

/* A one-page document of width × height points; font_path is a single-face glyf TrueType file. */
int cp_document_new(double width, double height, const char *font_path, cp_document **out, char *err, size_t errlen);
void cp_document_free(cp_document *doc);

/* Finishes the current page and starts a new one of the same size; drawing continues there. */
int cp_new_page(cp_document *doc, char *err, size_t errlen);

int cp_set_color(cp_document *doc, double r, double g, double b, char *err, size_t errlen);
int cp_text(cp_document *doc, double x, double y, double size, const char *utf8, char *err, size_t errlen);
/* Width of utf8 at size points in the document's font, for alignment. */
int cp_text_width(cp_document *doc, double size, const char *utf8, double *width, char *err, size_t errlen);
int cp_line(cp_document *doc, double x1, double y1, double x2, double y2, double line_width, char *err, size_t errlen);
int cp_rect(cp_document *doc, double x, double y, double w, double h, double line_width, char *err, size_t errlen);

/* Finishes the page and writes a PDF 1.7 file to memory (freed with cp_free). The document cannot be drawn on after. */
// Embeds `bytes` as a file associated with the whole document (PDF 2.0 / PDF/A-3 /AF, /AFRelationship /Supplement):
// listed in the catalog's /AF and /Names /EmbeddedFiles, with its media type and a description.
int cp_attach(cp_document *doc, const char *name, const uint8_t *bytes, size_t length, const char *mime, const char *description, char *err,
              size_t errlen);

int cp_document_write(cp_document *doc, const char *title, uint8_t **pdf, size_t *pdf_len, char *err, size_t errlen);

/* The outline of one character of a TrueType font as PDF path operators (m, l, c, h; to be filled with the nonzero
 * rule), in thousandths of an em from the glyph's origin, and its advance in the same units. *path is freed with
 * cp_free. */
int cp_glyph_path(const char *font_path, uint32_t codepoint, char **path, double *advance, char *err, size_t errlen);

/* input compressed as a zlib stream (PDF's FlateDecode), freed with cp_free. */
int cp_deflate(const uint8_t *input, size_t length, uint8_t **output, size_t *output_length);

void cp_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
