// Development PKI through OpenSSL 3: keys, certificates and PKCS#12 files for `countersign certs init`.
#include "ccrypto.h"
#include "internal.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>


static char *bio_to_string(BIO *bio) {
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    char *out = OPENSSL_malloc((size_t)len + 1);
    if (!out) return NULL;
    memcpy(out, data, (size_t)len);
    out[len] = '\0';
    return out;
}

static EVP_PKEY *read_key(const char *pem) {
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return key;
}

static X509 *read_cert(const char *pem) {
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return cert;
}

int cs_generate_key_pem(const char *algorithm, char **key_pem, char *err, size_t errlen) {
    if (!algorithm || !key_pem) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    EVP_PKEY *key = NULL;
    if (strcmp(algorithm, "RSA-2048") == 0) key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    else if (strcmp(algorithm, "EC-P256") == 0) key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else return cs_fail(CS_ERR_ARGUMENT, err, errlen, "unknown key algorithm (RSA-2048 or EC-P256)");
    if (!key) return cs_fail(CS_ERR_SIGN, err, errlen, "key generation failed");
    BIO *bio = BIO_new(BIO_s_mem());
    int ok = bio && PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    *key_pem = ok ? bio_to_string(bio) : NULL;
    BIO_free(bio);
    EVP_PKEY_free(key);
    return *key_pem ? CS_OK : cs_fail(CS_ERR_MEMORY, err, errlen, "cannot write the key");
}

// Calls apply(context, name, value) for each line "name=value" of text (NULL: none); 0 on a line without '=' or when
// apply fails. The subject's fields and the extensions both travel this way.
static int each_assignment(const char *text, int (*apply)(void *context, const char *name, const char *value), void *context) {
    if (!text) return 1;
    char *copy = OPENSSL_strdup(text);
    int ok = copy != NULL;
    char *rest = copy;
    for (char *line = copy ? strtok_r(copy, "\n", &rest) : NULL; ok && line; line = strtok_r(NULL, "\n", &rest)) {
        char *eq = strchr(line, '=');
        if (!eq) { ok = 0; break; }
        *eq = '\0';
        ok = apply(context, line, eq + 1);
    }
    OPENSSL_free(copy);
    return ok;
}

static int add_name_entry(void *name, const char *field, const char *value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, (const unsigned char *)value, -1, -1, 0);
}

struct extension_target {
    X509 *cert;
    X509V3_CTX *ctx;
};

static int add_extension(X509 *cert, X509V3_CTX *ctx, const char *name, const char *value) {
    X509_EXTENSION *ext = X509V3_EXT_nconf(NULL, ctx, name, value);
    int ok = ext && X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

// One extension in OpenSSL's configuration syntax (e.g. "keyUsage=critical,digitalSignature").
static int add_extension_line(void *target, const char *name, const char *value) {
    struct extension_target *to = target;
    return add_extension(to->cert, to->ctx, name, value);
}

int cs_issue_certificate_pem(const char *subject_key_pem, const char *subject, const char *issuer_cert_pem, const char *issuer_key_pem,
                             int days, uint64_t serial, const char *extensions, char **cert_pem, char *err, size_t errlen) {
    if (!subject_key_pem || !subject || !issuer_key_pem || !cert_pem || days <= 0) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    EVP_PKEY *subject_key = read_key(subject_key_pem);
    EVP_PKEY *issuer_key = read_key(issuer_key_pem);
    X509 *issuer = issuer_cert_pem ? read_cert(issuer_cert_pem) : NULL;
    X509 *cert = X509_new();
    int ok = subject_key && issuer_key && cert && (!issuer_cert_pem || issuer);
    ok = ok && X509_set_version(cert, X509_VERSION_3) && ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial);
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) && X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400);
    ok = ok && X509_set_pubkey(cert, subject_key) && each_assignment(subject, add_name_entry, X509_get_subject_name(cert));
    ok = ok && X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(cert));
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
    struct extension_target target = {cert, &ctx};
    ok = ok && each_assignment(extensions, add_extension_line, &target);
    ok = ok && add_extension(cert, &ctx, "subjectKeyIdentifier", "hash");
    ok = ok && add_extension(cert, &ctx, "authorityKeyIdentifier", "keyid:always");
    ok = ok && X509_sign(cert, issuer_key, EVP_sha256()) > 0;
    BIO *bio = ok ? BIO_new(BIO_s_mem()) : NULL;
    ok = ok && bio && PEM_write_bio_X509(bio, cert);
    *cert_pem = ok ? bio_to_string(bio) : NULL;
    BIO_free(bio);
    X509_free(cert);
    X509_free(issuer);
    EVP_PKEY_free(subject_key);
    EVP_PKEY_free(issuer_key);
    return *cert_pem ? CS_OK : cs_fail(CS_ERR_SIGN, err, errlen, "cannot issue the certificate");
}

int cs_pkcs12_create(const char *key_pem, const char *cert_pem, const char *chain_pem, const char *password, const char *friendly_name,
                     uint8_t **der, size_t *der_len, char *err, size_t errlen) {
    if (!key_pem || !cert_pem || !password || !der || !der_len) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    EVP_PKEY *key = read_key(key_pem);
    X509 *cert = read_cert(cert_pem);
    STACK_OF(X509) *chain = sk_X509_new_null();
    if (chain_pem) {
        BIO *bio = BIO_new_mem_buf(chain_pem, -1);
        X509 *extra;
        while (bio && (extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) sk_X509_push(chain, extra);
        ERR_clear_error();
        BIO_free(bio);
    }
    PKCS12 *p12 = key && cert && chain ? PKCS12_create(password, friendly_name, key, cert, chain, 0, 0, 0, 0, 0) : NULL;
    unsigned char *out = NULL;
    int len = p12 ? i2d_PKCS12(p12, &out) : -1;
    PKCS12_free(p12);
    sk_X509_pop_free(chain, X509_free);
    X509_free(cert);
    EVP_PKEY_free(key);
    if (len <= 0) return cs_fail(CS_ERR_PKCS12, err, errlen, "cannot create the PKCS#12 file");
    *der = out;
    *der_len = (size_t)len;
    return CS_OK;
}
