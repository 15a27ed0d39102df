// Glyph outlines as PDF path operators, read with FreeType (which PoDoFo already uses): the seal's characters are
// drawn as filled paths in its appearance stream, so the seal carries no font and looks the same in every viewer.
#include "cpdf.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int fail(int status, char *err, size_t errlen, const std::string &what) {
    if (err && errlen > 0) std::snprintf(err, errlen, "%s", what.c_str());
    return status;
}

// Coordinates in thousandths of an em, from the glyph origin.
struct PathWriter {
    std::string out;
    double scale = 1;
    FT_Vector last{0, 0};
    bool open = false;

    void point(double x, double y) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.1f %.1f ", x * scale, y * scale);
        out += buffer;
    }
};

int move_to(const FT_Vector *to, void *user) {
    try {
        auto *w = static_cast<PathWriter *>(user);
        if (w->open) w->out += "h\n";
        w->point(to->x, to->y);
        w->out += "m\n";
        w->last = *to;
        w->open = true;
        return 0;
    } catch (...) {
        return 1;  // no C++ exception may cross FreeType's C frames
    }
}

int line_to(const FT_Vector *to, void *user) {
    try {
        auto *w = static_cast<PathWriter *>(user);
        w->point(to->x, to->y);
        w->out += "l\n";
        w->last = *to;
        return 0;
    } catch (...) {
        return 1;  // no C++ exception may cross FreeType's C frames
    }
}

// TrueType curves are quadratic; PDF's are cubic: the control points sit two thirds of the way to the quadratic one.
int conic_to(const FT_Vector *control, const FT_Vector *to, void *user) {
    try {
        auto *w = static_cast<PathWriter *>(user);
        double x0 = w->last.x, y0 = w->last.y;
        w->point(x0 + 2.0 / 3.0 * (control->x - x0), y0 + 2.0 / 3.0 * (control->y - y0));
        w->point(to->x + 2.0 / 3.0 * (control->x - to->x), to->y + 2.0 / 3.0 * (control->y - to->y));
        w->point(to->x, to->y);
        w->out += "c\n";
        w->last = *to;
        return 0;
    } catch (...) {
        return 1;  // no C++ exception may cross FreeType's C frames
    }
}

int cubic_to(const FT_Vector *c1, const FT_Vector *c2, const FT_Vector *to, void *user) {
    try {
        auto *w = static_cast<PathWriter *>(user);
        w->point(c1->x, c1->y);
        w->point(c2->x, c2->y);
        w->point(to->x, to->y);
        w->out += "c\n";
        w->last = *to;
        return 0;
    } catch (...) {
        return 1;  // no C++ exception may cross FreeType's C frames
    }
}

}  // namespace

extern "C" {

int cp_glyph_path(const char *font_path, uint32_t codepoint, char **path, double *advance, char *err, size_t errlen) try {
    if (!font_path || !path || !advance) return fail(CP_ERR_ARGUMENT, err, errlen, "missing argument");
    FT_Library library = nullptr;
    if (FT_Init_FreeType(&library)) return fail(CP_ERR_FONT, err, errlen, "FreeType did not start");
    FT_Face face = nullptr;
    int status = CP_OK;
    if (FT_New_Face(library, font_path, 0, &face)) {
        FT_Done_FreeType(library);
        return fail(CP_ERR_FONT, err, errlen, std::string("cannot load the font ") + font_path);
    }
    // Everything below frees the face and the library on every path, exceptions included.
    struct Release {
        FT_Library library;
        FT_Face face;
        ~Release() {
            FT_Done_Face(face);
            FT_Done_FreeType(library);
        }
    } release{library, face};
    if (!FT_IS_SCALABLE(face) || face->units_per_EM == 0) {
        status = fail(CP_ERR_FONT, err, errlen, "the font has no scalable outlines");
    } else {
        FT_UInt index = FT_Get_Char_Index(face, codepoint);
        if (index == 0) {
            status = fail(CP_ERR_FONT, err, errlen, "the font has no glyph for U+" + std::to_string(codepoint));
        } else if (FT_Load_Glyph(face, index, FT_LOAD_NO_SCALE | FT_LOAD_NO_BITMAP | FT_LOAD_NO_HINTING)
                   || face->glyph->format != FT_GLYPH_FORMAT_OUTLINE) {
            status = fail(CP_ERR_FONT, err, errlen, "the glyph has no outline");
        } else {
            PathWriter writer;
            writer.scale = 1000.0 / face->units_per_EM;
            FT_Outline_Funcs funcs{};
            funcs.move_to = move_to;
            funcs.line_to = line_to;
            funcs.conic_to = conic_to;
            funcs.cubic_to = cubic_to;
            if (FT_Outline_Decompose(&face->glyph->outline, &funcs, &writer)) {
                status = fail(CP_ERR_FONT, err, errlen, "the outline could not be read");
            } else {
                if (writer.open) writer.out += "h\n";
                *advance = face->glyph->metrics.horiAdvance * writer.scale;
                *path = static_cast<char *>(std::malloc(writer.out.size() + 1));
                if (!*path) {
                    status = fail(CP_ERR_MEMORY, err, errlen, "out of memory");
                } else {
                    std::memcpy(*path, writer.out.c_str(), writer.out.size() + 1);
                }
            }
        }
    }
    return status;
} catch (...) {
    // Nothing C++ may cross into Swift.
    if (err && errlen > 0) std::snprintf(err, errlen, "out of memory reading a glyph");
    return CP_ERR_MEMORY;
}

}  // extern "C"
