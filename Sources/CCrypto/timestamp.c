// RFC 3161 time-stamping through OpenSSL's TS_ API (see include/ccrypto.h): the query a signer sends, the reply
// the development TSA makes, the checks a signer makes of a reply before trusting it, and the token added to a
// CMS signature as its signature time-stamp (PAdES B-T).
#include "ccrypto.h"
#include "internal.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <string.h>

static int to_der(int len, unsigned char *out, uint8_t **der, size_t *der_len) {
    if (len <= 0) return 0;
    *der = out;
    *der_len = (size_t)len;
    return 1;
}

int cs_ts_query(const uint8_t *digest, size_t digest_len, uint8_t **query_der, size_t *query_len, char *err, size_t errlen) {
    if (!digest || digest_len != 32 || !query_der || !query_len) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "a SHA-256 digest is needed");
    TS_REQ *req = TS_REQ_new();
    TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
    X509_ALGOR *algorithm = X509_ALGOR_new();
    unsigned char random[8];
    BIGNUM *number = NULL;
    ASN1_INTEGER *nonce = NULL;
    int ok = req && imprint && algorithm && TS_REQ_set_version(req, 1);
    ok = ok && X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_UNDEF, NULL);
    ok = ok && TS_MSG_IMPRINT_set_algo(imprint, algorithm) && TS_MSG_IMPRINT_set_msg(imprint, (unsigned char *)digest, (int)digest_len);
    ok = ok && TS_REQ_set_msg_imprint(req, imprint);
    // A fresh 64-bit nonce: the reply must carry it back, so an old reply cannot be replayed as a new one.
    ok = ok && RAND_bytes(random, sizeof random) == 1 && (number = BN_bin2bn(random, sizeof random, NULL)) != NULL
        && (nonce = BN_to_ASN1_INTEGER(number, NULL)) != NULL && TS_REQ_set_nonce(req, nonce);
    ok = ok && TS_REQ_set_cert_req(req, 1);
    unsigned char *out = NULL;
    ok = ok && to_der(i2d_TS_REQ(req, &out), out, query_der, query_len);
    ASN1_INTEGER_free(nonce);
    BN_free(number);
    X509_ALGOR_free(algorithm);
    TS_MSG_IMPRINT_free(imprint);
    TS_REQ_free(req);
    return ok ? CS_OK : cs_fail(CS_ERR_SIGN, err, errlen, "cannot build the time-stamp query");
}

// A serial unique across instances and restarts sharing one TSA key (RFC 3161 §2.4.2): 128 random bits.
static ASN1_INTEGER *tsa_serial(TS_RESP_CTX *ctx, void *data) {
    (void)ctx;
    (void)data;
    unsigned char random[16];
    BIGNUM *number = RAND_bytes(random, sizeof random) == 1 ? BN_bin2bn(random, sizeof random, NULL) : NULL;
    ASN1_INTEGER *serial = number ? BN_to_ASN1_INTEGER(number, NULL) : NULL;
    BN_free(number);
    return serial;
}

static int tsa_time(TS_RESP_CTX *ctx, void *data, long *seconds, long *microseconds) {
    (void)ctx;
    *seconds = (long)*(int64_t *)data;
    *microseconds = 0;
    return 1;
}

int cs_tsa_respond(const cs_signer *tsa, const char *policy_oid, int64_t unix_seconds, const uint8_t *query,
                   size_t query_len, uint8_t **reply_der, size_t *reply_len, char *err, size_t errlen) {
    if (!tsa || !policy_oid || !query || !reply_der || !reply_len) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    TS_RESP_CTX *ctx = TS_RESP_CTX_new();
    ASN1_OBJECT *policy = OBJ_txt2obj(policy_oid, 1);
    // The signer certificate must carry the critical timeStamping extended key usage, or OpenSSL refuses it here.
    int ok = ctx && policy && TS_RESP_CTX_set_signer_cert(ctx, tsa->cert) && TS_RESP_CTX_set_signer_key(ctx, tsa->key);
    ok = ok && TS_RESP_CTX_set_certs(ctx, tsa->chain) && TS_RESP_CTX_set_def_policy(ctx, policy);
    ok = ok && TS_RESP_CTX_add_md(ctx, EVP_sha256()) && TS_RESP_CTX_add_md(ctx, EVP_sha384()) && TS_RESP_CTX_add_md(ctx, EVP_sha512());
    ok = ok && TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) && TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256());
    ok = ok && TS_RESP_CTX_set_accuracy(ctx, 1, 0, 0);
    if (ok) {
        TS_RESP_CTX_set_serial_cb(ctx, tsa_serial, NULL);
        TS_RESP_CTX_set_time_cb(ctx, tsa_time, &unix_seconds);
    }
    BIO *in = ok ? BIO_new_mem_buf(query, (int)query_len) : NULL;
    // A malformed query is answered with a "rejection" reply, as RFC 3161 wants; NULL only on an internal failure.
    TS_RESP *reply = in ? TS_RESP_create_response(ctx, in) : NULL;
    unsigned char *out = NULL;
    ok = reply && to_der(i2d_TS_RESP(reply, &out), out, reply_der, reply_len);
    TS_RESP_free(reply);
    BIO_free(in);
    ASN1_OBJECT_free(policy);
    TS_RESP_CTX_free(ctx);
    return ok ? CS_OK : cs_fail(CS_ERR_SIGN, err, errlen, "the time-stamp authority cannot answer");
}

// One definite-length DER element at p (at most len bytes, a one-byte tag): its whole length, header and content,
// and the header's length in *header; 0 when there is none. BER's indefinite lengths are not taken: the token is
// kept byte for byte as the TSA signed it, so it must have one encoding.
static size_t der_element(const uint8_t *p, size_t len, size_t *header) {
    if (len < 2 || (p[0] & 0x1f) == 0x1f) return 0;
    size_t i = 1, content = 0;
    uint8_t first = p[i++];
    if (first < 0x80) {
        content = first;
    } else {
        size_t digits = first & 0x7f;
        if (digits == 0 || digits > 4 || i + digits > len) return 0;
        while (digits--) content = (content << 8) | p[i++];
    }
    if (content > len - i) return 0;
    if (header) *header = i;
    return i + content;
}

// The token's own bytes inside a reply (TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken }).
static int token_bytes(const uint8_t *reply, size_t reply_len, const uint8_t **token, size_t *token_len) {
    size_t header = 0;
    size_t total = der_element(reply, reply_len, &header);
    if (!total) return 0;
    size_t status = der_element(reply + header, total - header, NULL);
    if (!status) return 0;
    *token = reply + header + status;
    *token_len = der_element(*token, total - header - status, NULL);
    return *token_len > 0;
}

int cs_ts_check_reply(const uint8_t *reply_der, size_t reply_len, const uint8_t *query_der, size_t query_len, const char *roots_pem,
                      uint8_t **token_der, size_t *token_len, int64_t *gen_time, char *err, size_t errlen) {
    if (!reply_der || !query_der || !roots_pem || !token_der || !token_len || !gen_time) {
        return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    }
    const unsigned char *cursor = reply_der;
    TS_RESP *reply = d2i_TS_RESP(NULL, &cursor, (long)reply_len);
    cursor = query_der;
    TS_REQ *query = d2i_TS_REQ(NULL, &cursor, (long)query_len);
    if (!reply || !query) {
        TS_RESP_free(reply);
        TS_REQ_free(query);
        return cs_fail(CS_ERR_VERIFY, err, errlen, reply ? "not a time-stamp query" : "not a time-stamp reply");
    }
    // What the query asked for — the imprint and the nonce — must come back, signed by a TSA whose certificate (for
    // time-stamping) chains to one of the trusted roots.
    TS_VERIFY_CTX *ctx = TS_REQ_to_TS_VERIFY_CTX(query, NULL);
    X509_STORE *store = cs_store_from_pem(roots_pem);
    int status = CS_OK;
    if (!ctx || !store) {
        X509_STORE_free(store);
        status = cs_fail(CS_ERR_VERIFY, err, errlen, "no trusted time-stamping root");
    } else {
        TS_VERIFY_CTX_set_store(ctx, store);  // owned by ctx from here on
        TS_VERIFY_CTX_add_flags(ctx, TS_VFY_SIGNATURE | TS_VFY_SIGNER);
        if (TS_RESP_verify_response(ctx, reply) != 1) status = cs_fail(CS_ERR_VERIFY, err, errlen, "the time-stamp reply does not hold");
    }
    // The token exactly as the TSA encoded it (re-encoding an external TSA's token could break its signature).
    const uint8_t *token = NULL;
    size_t length = 0;
    if (status == CS_OK && !token_bytes(reply_der, reply_len, &token, &length)) {
        status = cs_fail(CS_ERR_VERIFY, err, errlen, "the time-stamp token is not DER");
    } else if (status == CS_OK) {
        *token_der = OPENSSL_malloc(length);
        if (*token_der) {
            memcpy(*token_der, token, length);
            *token_len = length;
        } else {
            status = cs_fail(CS_ERR_MEMORY, err, errlen, "out of memory");
        }
    }
    if (status == CS_OK) *gen_time = cs_asn1_time_seconds(TS_TST_INFO_get_time(TS_RESP_get_tst_info(reply)));
    TS_VERIFY_CTX_free(ctx);
    TS_REQ_free(query);
    TS_RESP_free(reply);
    return status;
}

static CMS_SignerInfo *only_signer(CMS_ContentInfo *cms) {
    STACK_OF(CMS_SignerInfo) *infos = cms ? CMS_get0_SignerInfos(cms) : NULL;
    return infos && sk_CMS_SignerInfo_num(infos) == 1 ? sk_CMS_SignerInfo_value(infos, 0) : NULL;
}

int cs_cms_signature_digest(const uint8_t *cms_der, size_t cms_len, uint8_t digest[32], char *err, size_t errlen) {
    if (!cms_der || !digest) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    const unsigned char *cursor = cms_der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &cursor, (long)cms_len);
    CMS_SignerInfo *si = only_signer(cms);
    ASN1_OCTET_STRING *value = si ? CMS_SignerInfo_get0_signature(si) : NULL;
    unsigned int length = 0;
    int ok = value && EVP_Digest(ASN1_STRING_get0_data(value), (size_t)ASN1_STRING_length(value), digest, &length, EVP_sha256(), NULL);
    CMS_ContentInfo_free(cms);
    return ok && length == 32 ? CS_OK : cs_fail(CS_ERR_VERIFY, err, errlen, "not a CMS signature with one signer");
}

int cs_cms_add_timestamp(const uint8_t *cms_der, size_t cms_len, const uint8_t *token, size_t token_len, uint8_t **out_der, size_t *out_len,
                         char *err, size_t errlen) {
    if (!cms_der || !token || !out_der || !out_len) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    const unsigned char *cursor = cms_der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &cursor, (long)cms_len);
    CMS_SignerInfo *si = only_signer(cms);
    // An unsigned attribute: it does not change what the signer signed. Its value is the token's ContentInfo, kept
    // as the TSA encoded it (a SEQUENCE stored whole).
    int ok = si && CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token, (int)token_len);
    // Re-encoded, the signature must still verify over the signed attributes as they will be written (the
    // signer's certificate is found among those the CMS carries).
    ok = ok && CMS_set1_signers_certs(cms, NULL, 0) >= 1 && CMS_SignerInfo_verify(si) == 1;
    unsigned char *out = NULL;
    ok = ok && to_der(i2d_CMS_ContentInfo(cms, &out), out, out_der, out_len);
    CMS_ContentInfo_free(cms);
    return ok ? CS_OK : cs_fail(CS_ERR_SIGN, err, errlen, "cannot add the time-stamp token to the signature");
}

// The signer's signature time-stamp token, if it carries one: the unsigned id-aa-signatureTimeStampToken
// attribute's value as a PKCS7. NULL when there is none; *malformed set when there is one that cannot be read.
static PKCS7 *signature_timestamp(CMS_SignerInfo *si, int *malformed) {
    *malformed = 0;
    int index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    if (index < 0) return NULL;
    X509_ATTRIBUTE *attribute = CMS_unsigned_get_attr(si, index);
    ASN1_TYPE *value = attribute && X509_ATTRIBUTE_count(attribute) == 1 ? X509_ATTRIBUTE_get0_type(attribute, 0) : NULL;
    PKCS7 *token = NULL;
    if (value && value->type == V_ASN1_SEQUENCE) {
        const unsigned char *cursor = ASN1_STRING_get0_data(value->value.sequence);
        token = d2i_PKCS7(NULL, &cursor, ASN1_STRING_length(value->value.sequence));
    }
    if (!token) *malformed = 1;
    return token;
}

// The second phase of a time-stamp's check: signed by a time-stamping certificate chaining to the roots as of
// at_time (0: now; a later archive time-stamp proves the token existed at its own time) — else CS_ERR_UNTRUSTED: it
// proves no time here — and the time it states.
static int token_trusted(PKCS7 *token, const char *tsa_roots_pem, int64_t at_time, int64_t *proven_time, char *err, size_t errlen) {
    TS_VERIFY_CTX *ctx = TS_VERIFY_CTX_new();
    X509_STORE *store = cs_store_from_pem(tsa_roots_pem);
    int status = CS_OK;
    if (!ctx || !store) {
        X509_STORE_free(store);
        status = cs_fail(CS_ERR_UNTRUSTED, err, errlen, "no trusted time-stamping root");
    } else {
        if (at_time > 0) X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), (time_t)at_time);
        TS_VERIFY_CTX_set_store(ctx, store);  // owned by ctx from here on
        TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_SIGNER);
        if (TS_RESP_verify_token(ctx, token) != 1) {
            status = cs_fail(CS_ERR_UNTRUSTED, err, errlen, "the time-stamp's authority is not trusted here");
        } else {
            TS_TST_INFO *info = PKCS7_to_TS_TST_INFO(token);
            *proven_time = info ? cs_asn1_time_seconds(TS_TST_INFO_get_time(info)) : 0;
            if (*proven_time == 0) status = cs_fail(CS_ERR_VERIFY, err, errlen, "the time-stamp states no time");
            TS_TST_INFO_free(info);
        }
    }
    TS_VERIFY_CTX_free(ctx);
    return status;
}

int cs_ts_token_check(const uint8_t *token_der, size_t token_len, const uint8_t digest[32], const char *tsa_roots_pem, int64_t at_time,
                      int64_t *proven_time, char *err, size_t errlen) {
    if (!token_der || !digest || !tsa_roots_pem || !proven_time) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    *proven_time = 0;
    const unsigned char *cursor = token_der;
    PKCS7 *token = d2i_PKCS7(NULL, &cursor, (long)token_len);
    if (!token) return cs_fail(CS_ERR_VERIFY, err, errlen, "not a time-stamp token");
    // Over these bytes first (a token over other bytes is no proof of this document), then trusted here.
    TS_VERIFY_CTX *match = TS_VERIFY_CTX_new();
    unsigned char *imprint = OPENSSL_memdup(digest, 32);
    int status = CS_OK;
    if (!match || !imprint) {
        OPENSSL_free(imprint);
        status = cs_fail(CS_ERR_MEMORY, err, errlen, "out of memory");
    } else {
        TS_VERIFY_CTX_set_imprint(match, imprint, 32);  // owned by match from here on
        TS_VERIFY_CTX_set_flags(match, TS_VFY_VERSION | TS_VFY_IMPRINT);
        if (TS_RESP_verify_token(match, token) != 1) status = cs_fail(CS_ERR_VERIFY, err, errlen, "the time-stamp is not over these bytes");
    }
    TS_VERIFY_CTX_free(match);
    if (status == CS_OK) status = token_trusted(token, tsa_roots_pem, at_time, proven_time, err, errlen);
    PKCS7_free(token);
    return status;
}

int cs_cms_timestamp_check(const uint8_t *cms_der, size_t cms_len, const char *tsa_roots_pem, int64_t at_time, int64_t *proven_time, char *err,
                           size_t errlen) {
    if (!cms_der || !tsa_roots_pem || !proven_time) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    *proven_time = 0;
    const unsigned char *cursor = cms_der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &cursor, (long)cms_len);
    CMS_SignerInfo *si = only_signer(cms);
    if (!si) {
        CMS_ContentInfo_free(cms);
        return cs_fail(CS_ERR_VERIFY, err, errlen, "not a CMS signature with one signer");
    }
    int malformed = 0;
    PKCS7 *token = signature_timestamp(si, &malformed);
    if (!token) {
        CMS_ContentInfo_free(cms);
        return malformed ? cs_fail(CS_ERR_VERIFY, err, errlen, "the signature time-stamp cannot be read") : CS_OK;
    }
    // First: is it this signature's time-stamp — its imprint over this very signature value? A token taken from
    // another signature is a forgery (CS_ERR_VERIFY). Then: is its authority one trusted here for time-stamping?
    // One that is not (a root no longer configured, a TSA certificate expired since) proves no time, which is not
    // the same as a broken signature (CS_ERR_UNTRUSTED): the signature is then judged as if it had no time-stamp.
    ASN1_OCTET_STRING *value = CMS_SignerInfo_get0_signature(si);
    TS_VERIFY_CTX *match = TS_VERIFY_CTX_new();
    BIO *signed_value = BIO_new_mem_buf(ASN1_STRING_get0_data(value), ASN1_STRING_length(value));
    int status = CS_OK;
    if (!match || !signed_value) {
        BIO_free(signed_value);
        status = cs_fail(CS_ERR_MEMORY, err, errlen, "out of memory");
    } else {
        TS_VERIFY_CTX_set_data(match, signed_value);  // owned by match from here on
        TS_VERIFY_CTX_set_flags(match, TS_VFY_VERSION | TS_VFY_DATA);
        if (TS_RESP_verify_token(match, token) != 1) status = cs_fail(CS_ERR_VERIFY, err, errlen, "the time-stamp is not over this signature");
    }
    TS_VERIFY_CTX_free(match);
    if (status == CS_OK) status = token_trusted(token, tsa_roots_pem, at_time, proven_time, err, errlen);
    PKCS7_free(token);
    CMS_ContentInfo_free(cms);
    return status;
}
