#define _GNU_SOURCE  // timegm
// OpenSSL 3 behind a plain C surface (see include/ccrypto.h). Every OpenSSL failure is turned into a status
// code and a message here, so the Swift side never sees OpenSSL's error queue.
#include "ccrypto.h"
#include "internal.h"

#include <openssl/asn1.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


static pthread_once_t providers_once = PTHREAD_ONCE_INIT;

// Loading one provider explicitly disables the implicit default one, so both are loaded: legacy for old PKCS#12.
static void load_providers(void) {
    OSSL_PROVIDER_load(NULL, "default");
    OSSL_PROVIDER_load(NULL, "legacy");
}

int cs_fail(int status, char *err, size_t errlen, const char *what) {
    if (err && errlen > 0) {
        unsigned long code = ERR_peek_last_error();
        char detail[256] = "";
        if (code != 0) ERR_error_string_n(code, detail, sizeof detail);
        snprintf(err, errlen, "%s%s%s", what, code ? ": " : "", detail);
    }
    ERR_clear_error();
    return status;
}

void cs_free(void *pointer) { OPENSSL_free(pointer); }

void cs_signer_free(cs_signer *signer) {
    if (!signer) return;
    EVP_PKEY_free(signer->key);
    X509_free(signer->cert);
    sk_X509_pop_free(signer->chain, X509_free);
    OPENSSL_free(signer);
}

static int finish_signer(EVP_PKEY *key, X509 *cert, STACK_OF(X509) *chain, cs_signer **out, int status, char *err, size_t errlen) {
    if (!key || !cert) {
        EVP_PKEY_free(key);
        X509_free(cert);
        sk_X509_pop_free(chain, X509_free);
        return cs_fail(status, err, errlen, "no private key or no certificate found");
    }
    if (X509_check_private_key(cert, key) != 1) {
        EVP_PKEY_free(key);
        X509_free(cert);
        sk_X509_pop_free(chain, X509_free);
        return cs_fail(status, err, errlen, "the private key does not belong to the certificate");
    }
    cs_signer *signer = OPENSSL_zalloc(sizeof *signer);
    if (!signer) return cs_fail(CS_ERR_MEMORY, err, errlen, "out of memory");
    signer->key = key;
    signer->cert = cert;
    signer->chain = chain ? chain : sk_X509_new_null();
    *out = signer;
    return CS_OK;
}

int cs_signer_load_pkcs12(const uint8_t *data, size_t len, const char *password, cs_signer **out, char *err, size_t errlen) {
    if (!data || !out) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    pthread_once(&providers_once, load_providers);
    const unsigned char *cursor = data;
    PKCS12 *p12 = d2i_PKCS12(NULL, &cursor, (long)len);
    if (!p12) return cs_fail(CS_ERR_PKCS12, err, errlen, "not a PKCS#12 file");
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *chain = NULL;
    int ok = PKCS12_parse(p12, password ? password : "", &key, &cert, &chain);
    PKCS12_free(p12);
    if (!ok) return cs_fail(CS_ERR_PKCS12, err, errlen, "cannot open the PKCS#12 file (wrong password?)");
    return finish_signer(key, cert, chain, out, CS_ERR_PKCS12, err, errlen);
}

int cs_signer_load_pem(const char *key_pem, const char *password, const char *certs_pem, cs_signer **out, char *err, size_t errlen) {
    if (!key_pem || !certs_pem || !out) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    pthread_once(&providers_once, load_providers);
    BIO *key_bio = BIO_new_mem_buf(key_pem, -1);
    EVP_PKEY *key = key_bio ? PEM_read_bio_PrivateKey(key_bio, NULL, NULL, (void *)(password ? password : "")) : NULL;
    BIO_free(key_bio);
    if (!key) return cs_fail(CS_ERR_PEM, err, errlen, "cannot read the private key PEM");
    BIO *cert_bio = BIO_new_mem_buf(certs_pem, -1);
    X509 *cert = cert_bio ? PEM_read_bio_X509(cert_bio, NULL, NULL, NULL) : NULL;
    STACK_OF(X509) *chain = sk_X509_new_null();
    X509 *extra;
    while (cert_bio && chain && (extra = PEM_read_bio_X509(cert_bio, NULL, NULL, NULL)) != NULL) sk_X509_push(chain, extra);
    ERR_clear_error();  // the loop ends on "no start line", which is not an error
    BIO_free(cert_bio);
    if (!cert) {
        EVP_PKEY_free(key);
        sk_X509_pop_free(chain, X509_free);
        return cs_fail(CS_ERR_PEM, err, errlen, "cannot read the certificate PEM");
    }
    return finish_signer(key, cert, chain, out, CS_ERR_PEM, err, errlen);
}

static int print_name(const X509_NAME *name, char *buf, size_t buflen) {
    if (!buf || buflen == 0) return CS_ERR_ARGUMENT;
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio) return CS_ERR_MEMORY;
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    int n = BIO_read(bio, buf, (int)buflen - 1);
    buf[n > 0 ? n : 0] = '\0';
    BIO_free(bio);
    return CS_OK;
}

int cs_signer_subject(const cs_signer *signer, char *buf, size_t buflen) {
    return signer ? print_name(X509_get_subject_name(signer->cert), buf, buflen) : CS_ERR_ARGUMENT;
}

int cs_signer_issuer(const cs_signer *signer, char *buf, size_t buflen) {
    return signer ? print_name(X509_get_issuer_name(signer->cert), buf, buflen) : CS_ERR_ARGUMENT;
}

int64_t cs_asn1_time_seconds(const ASN1_TIME *time) {
    struct tm tm;
    if (!time || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
    return (int64_t)timegm(&tm);
}

int cs_signer_validity(const cs_signer *signer, int64_t *not_before, int64_t *not_after) {
    if (!signer || !not_before || !not_after) return CS_ERR_ARGUMENT;
    *not_before = cs_asn1_time_seconds(X509_get0_notBefore(signer->cert));
    *not_after = cs_asn1_time_seconds(X509_get0_notAfter(signer->cert));
    return CS_OK;
}

const char *cs_signer_algorithm(const cs_signer *signer) {
    if (!signer) return "";
    switch (EVP_PKEY_get_base_id(signer->key)) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_EC: return "EC";
    default: return "other";
    }
}

static int digest_parts(const uint8_t *const *parts, const size_t *lengths, size_t count, unsigned char *md, unsigned int *md_len) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; ok && i < count; i++) ok = EVP_DigestUpdate(ctx, parts[i], lengths[i]);
    ok = ok && EVP_DigestFinal_ex(ctx, md, md_len);
    EVP_MD_CTX_free(ctx);
    return ok;
}

// Signs the DER of the signed-attribute SET (RFC 5652 §5.4: the SET OF tag, not the [0] of the SignerInfo).
// DER wants a SET OF sorted. Encoding with PKCS7_ATTR_SIGN sorts the stack it is given in place, so the
// SignerInfo's own attributes are then put back in that order: the bytes signed here and the bytes written out
// (and re-encoded by every verifier) must be the same.
static int sign_attributes(const cs_signer *signer, CMS_SignerInfo *si) {
    STACK_OF(X509_ATTRIBUTE) *attrs = sk_X509_ATTRIBUTE_new_null();
    if (!attrs) return 0;
    while (CMS_signed_get_attr_count(si) > 0) sk_X509_ATTRIBUTE_push(attrs, CMS_signed_delete_attr(si, 0));
    unsigned char *der = NULL;
    int der_len = ASN1_item_i2d((ASN1_VALUE *)attrs, &der, ASN1_ITEM_rptr(PKCS7_ATTR_SIGN));
    int ok = der_len > 0;
    for (int i = 0; ok && i < sk_X509_ATTRIBUTE_num(attrs); i++) ok = CMS_signed_add1_attr(si, sk_X509_ATTRIBUTE_value(attrs, i));
    sk_X509_ATTRIBUTE_pop_free(attrs, X509_ATTRIBUTE_free);
    if (!ok) {
        OPENSSL_free(der);
        return 0;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sig_len = 0;
    unsigned char *sig = NULL;
    ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, signer->key) == 1
        && EVP_DigestSign(ctx, NULL, &sig_len, der, (size_t)der_len) == 1 && (sig = OPENSSL_malloc(sig_len)) != NULL
        && EVP_DigestSign(ctx, sig, &sig_len, der, (size_t)der_len) == 1
        && ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sig_len) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(sig);
    OPENSSL_free(der);
    return ok;
}

int cs_cms_sign_detached(const cs_signer *signer, const uint8_t *const *parts, const size_t *lengths, size_t count,
                         uint8_t **der, size_t *der_len, char *err, size_t errlen) {
    if (!signer || (!parts && count) || !der || !der_len) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!digest_parts(parts, lengths, count, md, &md_len)) return cs_fail(CS_ERR_SIGN, err, errlen, "cannot digest the content");

    // CMS_PARTIAL everywhere: OpenSSL's own finalisation would add a signing-time attribute, which PAdES forbids,
    // so the attributes are completed and signed here instead, once.
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, signer->cert, signer->key, EVP_sha256(),
                                               CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES)
                             : NULL;
    int ok = si != NULL && CMS_set_detached(cms, 1);
    for (int i = 0; ok && i < sk_X509_num(signer->chain); i++) ok = CMS_add1_cert(cms, sk_X509_value(signer->chain, i));
    ok = ok && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT, OBJ_nid2obj(NID_pkcs7_data), -1);
    ok = ok && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, md, (int)md_len);
    ok = ok && sign_attributes(signer, si);
    // Self-check before anything leaves: the signature must verify over the attributes as they will be encoded.
    ok = ok && CMS_SignerInfo_verify(si) == 1;
    unsigned char *out = NULL;
    int out_len = ok ? i2d_CMS_ContentInfo(cms, &out) : -1;
    CMS_ContentInfo_free(cms);
    if (out_len <= 0) return cs_fail(CS_ERR_SIGN, err, errlen, "cannot build the CMS signature");
    *der = out;
    *der_len = (size_t)out_len;
    return CS_OK;
}

/* Parsed PEM bundles, kept: the same few bundles (the trusted roots, the TSA roots, the OCSP issuer) are read for
 * every check, and OpenSSL 3 decodes each certificate's public key through its provider lookup — most of a B-LTA
 * seal's time went there. X509 objects are reference-counted and only read after parsing, so one parsed copy is
 * shared; each caller gets its own stack (and its own store) holding references. At most a few bundles are kept;
 * others are parsed per call. */
#define PEM_CACHE_SIZE 8
static struct {
    char *pem;
    STACK_OF(X509) *certs;
} pem_cache[PEM_CACHE_SIZE];
static pthread_mutex_t pem_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static STACK_OF(X509) *parse_pem_certificates(const char *pem) {
    STACK_OF(X509) *certs = sk_X509_new_null();
    BIO *bio = certs ? BIO_new_mem_buf(pem, -1) : NULL;
    X509 *cert;
    while (bio && (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        if (!sk_X509_push(certs, cert)) X509_free(cert);
    ERR_clear_error();
    BIO_free(bio);
    return certs;
}

static STACK_OF(X509) *references_to(STACK_OF(X509) *certs) {
    STACK_OF(X509) *copy = sk_X509_new_null();
    for (int i = 0; copy && i < sk_X509_num(certs); i++) {
        X509 *cert = sk_X509_value(certs, i);
        if (X509_up_ref(cert) != 1 || !sk_X509_push(copy, cert)) {
            X509_free(cert);
            sk_X509_pop_free(copy, X509_free);
            return NULL;
        }
    }
    return copy;
}

STACK_OF(X509) *cs_certificates_from_pem(const char *pem) {
    if (!pem) return NULL;
    STACK_OF(X509) *found = NULL;
    int cached = 0;
    pthread_mutex_lock(&pem_cache_lock);
    for (int i = 0; i < PEM_CACHE_SIZE && pem_cache[i].pem && !cached; i++)
        if (strcmp(pem_cache[i].pem, pem) == 0) {
            found = references_to(pem_cache[i].certs);
            cached = 1;
        }
    pthread_mutex_unlock(&pem_cache_lock);
    if (cached) return found;
    STACK_OF(X509) *parsed = parse_pem_certificates(pem);
    if (!parsed) return NULL;
    found = references_to(parsed);
    pthread_mutex_lock(&pem_cache_lock);
    int slot = -1;
    for (int i = 0; i < PEM_CACHE_SIZE && slot < 0; i++)
        if (!pem_cache[i].pem || strcmp(pem_cache[i].pem, pem) == 0) slot = i;
    if (slot >= 0 && !pem_cache[slot].pem && (pem_cache[slot].pem = OPENSSL_strdup(pem)) != NULL) {
        pem_cache[slot].certs = parsed;
        parsed = NULL;
    }
    pthread_mutex_unlock(&pem_cache_lock);
    sk_X509_pop_free(parsed, X509_free);
    return found;
}

X509_STORE *cs_store_from_pem(const char *roots_pem) {
    STACK_OF(X509) *certs = cs_certificates_from_pem(roots_pem);
    X509_STORE *store = certs ? X509_STORE_new() : NULL;
    int added = 0;
    for (int i = 0; store && i < sk_X509_num(certs); i++) added += X509_STORE_add_cert(store, sk_X509_value(certs, i));
    sk_X509_pop_free(certs, X509_free);
    ERR_clear_error();
    if (!added) {
        X509_STORE_free(store);
        return NULL;
    }
    return store;
}

/* The signer's chain up to `store`, for the purpose CMS_verify itself would check (S/MIME signing), with the
 * certificates the CMS carries as intermediates. */
static int signer_chain_trusted(CMS_ContentInfo *cms, X509 *signer, X509_STORE *store, int64_t at_time) {
    STACK_OF(X509) *carried = CMS_get1_certs(cms);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ready = ctx && X509_STORE_CTX_init(ctx, store, signer, carried) == 1 && X509_STORE_CTX_set_default(ctx, "smime_sign") == 1;
    // At the time a time-stamp proves the signature existed, when there is one: a certificate expired since then
    // does not make the signature any less valid.
    if (ready && at_time > 0) X509_STORE_CTX_set_time(ctx, 0, (time_t)at_time);
    int trusted = ready && X509_verify_cert(ctx) == 1;
    X509_STORE_CTX_free(ctx);
    sk_X509_pop_free(carried, X509_free);
    ERR_clear_error();
    return trusted;
}

/* The signed parts of a document read in place, as a BIO that CMS_verify hashes through: a memory BIO would copy
 * the whole file (up to the upload limit) once per signature checked. */
struct parts_cursor {
    const uint8_t *const *parts;
    const size_t *lengths;
    size_t count, index, offset;
};

static int parts_read(BIO *bio, char *out, int len) {
    struct parts_cursor *cursor = BIO_get_data(bio);
    int done = 0;
    while (done < len && cursor->index < cursor->count) {
        size_t left = cursor->lengths[cursor->index] - cursor->offset;
        size_t take = left < (size_t)(len - done) ? left : (size_t)(len - done);
        memcpy(out + done, cursor->parts[cursor->index] + cursor->offset, take);
        done += (int)take;
        cursor->offset += take;
        if (cursor->offset == cursor->lengths[cursor->index]) {
            cursor->index++;
            cursor->offset = 0;
        }
    }
    return done;
}

static long parts_ctrl(BIO *bio, int cmd, long num, void *ptr) {
    (void)num;
    (void)ptr;
    struct parts_cursor *cursor = BIO_get_data(bio);
    switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_EOF: return cursor->index >= cursor->count;
    default: return 0;
    }
}

static BIO_METHOD *parts_method;
static pthread_once_t parts_once = PTHREAD_ONCE_INIT;

static void make_parts_method(void) {
    parts_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "countersign byte ranges");
    if (!parts_method) return;
    BIO_meth_set_read(parts_method, parts_read);
    BIO_meth_set_ctrl(parts_method, parts_ctrl);
}

static BIO *parts_bio(struct parts_cursor *cursor) {
    pthread_once(&parts_once, make_parts_method);
    if (!parts_method) return NULL;
    BIO *bio = BIO_new(parts_method);
    if (!bio) return NULL;
    BIO_set_data(bio, cursor);
    BIO_set_init(bio, 1);
    return bio;
}

int cs_cms_verify_detached(const uint8_t *der, size_t der_len, const uint8_t *const *parts, const size_t *lengths, size_t count,
                           const char *roots_pem, int64_t at_time, int *chain_trusted, char *subject, size_t subject_len, char *err,
                           size_t errlen) {
    if (!der || (!parts && count)) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    if (chain_trusted) *chain_trusted = 0;
    const unsigned char *cursor = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &cursor, (long)der_len);
    if (!cms) return cs_fail(CS_ERR_VERIFY, err, errlen, "not a CMS structure");
    struct parts_cursor cursor_parts = {parts, lengths, count, 0, 0};
    BIO *content = parts_bio(&cursor_parts);
    if (!content) {
        CMS_ContentInfo_free(cms);
        return cs_fail(CS_ERR_VERIFY, err, errlen, "out of memory");
    }
    X509_STORE *store = roots_pem ? cs_store_from_pem(roots_pem) : NULL;
    STACK_OF(X509) *signers = NULL;
    int status = CS_OK;
    /* The bytes and the signature are checked once; the chain, which costs no hashing of the document, apart. Roots
     * that hold no certificate trust nobody. */
    if (CMS_verify(cms, NULL, NULL, content, NULL, CMS_BINARY | CMS_DETACHED | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        status = cs_fail(CS_ERR_VERIFY, err, errlen, "the signature does not verify");
    } else if ((signers = CMS_get0_signers(cms)) == NULL || sk_X509_num(signers) < 1) {
        status = cs_fail(CS_ERR_VERIFY, err, errlen, "the signature names no signer certificate");
    } else {
        X509 *signer = sk_X509_value(signers, 0);
        if (store && chain_trusted) *chain_trusted = signer_chain_trusted(cms, signer, store, at_time);
        if (subject && subject_len > 0) {
            BIO *name = BIO_new(BIO_s_mem());
            X509_NAME_print_ex(name, X509_get_subject_name(signer), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
            int n = BIO_read(name, subject, (int)subject_len - 1);
            subject[n > 0 ? n : 0] = '\0';
            BIO_free(name);
        }
    }
    sk_X509_free(signers);
    X509_STORE_free(store);
    BIO_free(content);
    CMS_ContentInfo_free(cms);
    return status;
}
