#ifndef COUNTERSIGN_CCRYPTO_INTERNAL_H
#define COUNTERSIGN_CCRYPTO_INTERNAL_H
// Shared by the shim's C files; not part of the public header.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

// A signer: its key, its certificate and the chain sent along with it (ccrypto.c loads it; timestamp.c signs
// time-stamps with one).
struct cs_signer {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *chain;
};

// Writes what failed and OpenSSL's last error into err, clears OpenSSL's error queue, and returns status.
int cs_fail(int status, char *err, size_t errlen, const char *what);

// An ASN.1 time as seconds since the Unix epoch; 0 when there is none or it cannot be read.
int64_t cs_asn1_time_seconds(const ASN1_TIME *time);

// A certificate store holding every certificate of a PEM bundle; NULL when it holds none.
X509_STORE *cs_store_from_pem(const char *roots_pem);

// The certificates of a PEM bundle (parsed once per bundle and shared; the caller frees the stack it gets with
// sk_X509_pop_free(stack, X509_free)). NULL when out of memory; an empty stack when it holds none.
STACK_OF(X509) *cs_certificates_from_pem(const char *pem);

// The certificate among `chain` that issued `cert`; NULL when none did.
X509 *cs_issuer_in(X509 *cert, STACK_OF(X509) *chain);

// The signer certificate of a one-signer CMS signature and every certificate the CMS carries; 0 when it is not one.
// The caller frees both (*cert may be NULL, *certs too).
int cs_cms_signer(const uint8_t *cms_der, size_t cms_len, X509 **cert, STACK_OF(X509) **certs);

#endif
