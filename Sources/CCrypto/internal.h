#ifndef COUNTERSIGN_CCRYPTO_INTERNAL_H
#define COUNTERSIGN_CCRYPTO_INTERNAL_H
// Shared by the shim's C files; not part of the public header.
#include <stddef.h>

// Writes what failed and OpenSSL's last error into err, clears OpenSSL's error queue, and returns status.
int cs_fail(int status, char *err, size_t errlen, const char *what);

#endif
