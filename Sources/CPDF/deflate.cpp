// zlib (FlateDecode) for appearance streams that are drawn once and copied into every voucher: the seal's glyph
// outlines are tens of kilobytes as text and a fraction of that compressed, kept for decades in every file.
#include "cpdf.h"

#include <zlib.h>

#include <cstdlib>

extern "C" {

int cp_deflate(const uint8_t *input, size_t length, uint8_t **output, size_t *output_length) {
    if (!input || !output || !output_length) return CP_ERR_ARGUMENT;
    uLongf bound = compressBound(static_cast<uLong>(length));
    auto *buffer = static_cast<uint8_t *>(std::malloc(bound));
    if (!buffer) return CP_ERR_MEMORY;
    if (compress2(buffer, &bound, input, static_cast<uLong>(length), Z_BEST_COMPRESSION) != Z_OK) {
        std::free(buffer);
        return CP_ERR_PDF;
    }
    *output = buffer;
    *output_length = bound;
    return CP_OK;
}

}  // extern "C"
