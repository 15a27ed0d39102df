// Revocation data for the development PKI through OpenSSL 3 (see include/ccrypto.h): a CA's CRL, and the answer of
// an OCSP responder that a CA delegated (RFC 6960). The revocation state itself is the caller's (the seal registry).
#include "ccrypto.h"
#include "internal.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// One revoked certificate of a `revoked` list.
struct revoked_entry {
    ASN1_INTEGER *serial;
    int64_t seconds;
};

static void free_entries(struct revoked_entry *entries, size_t count) {
    for (size_t i = 0; i < count; i++) ASN1_INTEGER_free(entries[i].serial);
    free(entries);
}

// Parses lines "SERIALHEX SECONDS"; an empty or NULL list is fine. Returns 0 on a malformed line.
static int parse_revoked(const char *revoked, struct revoked_entry **out, size_t *count) {
    *out = NULL;
    *count = 0;
    if (!revoked || !*revoked) return 1;
    size_t lines = 1;
    for (const char *c = revoked; *c; c++) lines += *c == '\n';
    struct revoked_entry *entries = calloc(lines, sizeof *entries);
    char *copy = OPENSSL_strdup(revoked);
    int ok = entries && copy;
    size_t n = 0;
    char *rest = copy;
    for (char *line = ok ? strtok_r(copy, "\n", &rest) : NULL; ok && line; line = strtok_r(NULL, "\n", &rest)) {
        char hex[81];
        long long seconds;
        BIGNUM *number = NULL;
        ok = sscanf(line, "%80[0-9A-Fa-f] %lld", hex, &seconds) == 2 && BN_hex2bn(&number, hex) > 0;
        entries[n].serial = ok ? BN_to_ASN1_INTEGER(number, NULL) : NULL;
        entries[n].seconds = seconds;
        ok = ok && entries[n].serial != NULL;
        n += ok;
        BN_free(number);
    }
    OPENSSL_free(copy);
    if (!ok) {
        free_entries(entries, n);
        return 0;
    }
    *out = entries;
    *count = n;
    return 1;
}

int cs_signer_serial(const cs_signer *signer, char *buf, size_t buflen) {
    if (!signer || !buf || buflen == 0) return CS_ERR_ARGUMENT;
    BIGNUM *number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(signer->cert), NULL);
    char *hex = number ? BN_bn2hex(number) : NULL;
    int ok = hex && strlen(hex) < buflen;
    if (ok) strcpy(buf, hex);
    OPENSSL_free(hex);
    BN_free(number);
    return ok ? CS_OK : CS_ERR_MEMORY;
}

static int set_time(ASN1_TIME **time, int64_t seconds) {
    *time = ASN1_TIME_set(NULL, (time_t)seconds);
    return *time != NULL;
}

int cs_crl_create(const cs_signer *ca, int64_t this_update, int64_t next_update, uint64_t number, const char *revoked, uint8_t **der,
                  size_t *der_len, char *err, size_t errlen) {
    if (!ca || !der || !der_len || next_update <= this_update) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    struct revoked_entry *entries;
    size_t count;
    if (!parse_revoked(revoked, &entries, &count)) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "malformed revocation list");
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *this = NULL, *next = NULL;
    ASN1_INTEGER *crl_number = ASN1_INTEGER_new();
    int ok = crl && crl_number && X509_CRL_set_version(crl, X509_CRL_VERSION_2);
    ok = ok && X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert));
    ok = ok && set_time(&this, this_update) && set_time(&next, next_update);
    ok = ok && X509_CRL_set1_lastUpdate(crl, this) && X509_CRL_set1_nextUpdate(crl, next);
    for (size_t i = 0; ok && i < count; i++) {
        X509_REVOKED *entry = X509_REVOKED_new();
        ASN1_TIME *when = NULL;
        ok = entry && X509_REVOKED_set_serialNumber(entry, entries[i].serial) && set_time(&when, entries[i].seconds)
            && X509_REVOKED_set_revocationDate(entry, when) && X509_CRL_add0_revoked(crl, entry);
        if (!ok) X509_REVOKED_free(entry);
        ASN1_TIME_free(when);
    }
    // A CRL number and the CA's key identifier: validators use the one to order CRLs and the other to find the key.
    ok = ok && ASN1_INTEGER_set_uint64(crl_number, number) && X509_CRL_add1_ext_i2d(crl, NID_crl_number, crl_number, 0, 0);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, ca->cert, NULL, NULL, crl, 0);
    X509_EXTENSION *akid = ok ? X509V3_EXT_nconf(NULL, &ctx, "authorityKeyIdentifier", "keyid:always") : NULL;
    ok = ok && akid && X509_CRL_add_ext(crl, akid, -1);
    ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, ca->key, EVP_sha256()) > 0;
    unsigned char *out = NULL;
    int len = ok ? i2d_X509_CRL(crl, &out) : -1;
    X509_EXTENSION_free(akid);
    ASN1_INTEGER_free(crl_number);
    ASN1_TIME_free(this);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    free_entries(entries, count);
    if (len <= 0) return cs_fail(CS_ERR_SIGN, err, errlen, "cannot sign the CRL");
    *der = out;
    *der_len = (size_t)len;
    return CS_OK;
}

static int encode_response(OCSP_RESPONSE *response, uint8_t **der, size_t *der_len) {
    unsigned char *out = NULL;
    int len = response ? i2d_OCSP_RESPONSE(response, &out) : -1;
    if (len <= 0) return 0;
    *der = out;
    *der_len = (size_t)len;
    return 1;
}

// The status of one requested certificate: unknown unless it names `issuer` (by the hash algorithm the client
// chose), revoked when its serial is listed, good otherwise.
static int add_status(OCSP_BASICRESP *basic, OCSP_CERTID *id, X509 *issuer, const struct revoked_entry *entries, size_t count,
                      ASN1_TIME *this, ASN1_TIME *next) {
    ASN1_OBJECT *md_oid = NULL;
    ASN1_INTEGER *serial = NULL;
    if (!OCSP_id_get0_info(NULL, &md_oid, NULL, &serial, id)) return 0;
    const EVP_MD *md = EVP_get_digestbyobj(md_oid);
    OCSP_CERTID *ours = md ? OCSP_cert_id_new(md, X509_get_subject_name(issuer), X509_get0_pubkey_bitstr(issuer), serial) : NULL;
    int status = ours && OCSP_id_issuer_cmp(ours, id) == 0 ? V_OCSP_CERTSTATUS_GOOD : V_OCSP_CERTSTATUS_UNKNOWN;
    OCSP_CERTID_free(ours);
    ASN1_TIME *revoked_at = NULL;
    for (size_t i = 0; status == V_OCSP_CERTSTATUS_GOOD && i < count; i++) {
        if (ASN1_INTEGER_cmp(entries[i].serial, serial) != 0) continue;
        status = V_OCSP_CERTSTATUS_REVOKED;
        if (!set_time(&revoked_at, entries[i].seconds)) return 0;
    }
    int ok = OCSP_basic_add1_status(basic, id, status, OCSP_REVOKED_STATUS_NOSTATUS, revoked_at, this, next) != NULL;
    ASN1_TIME_free(revoked_at);
    return ok;
}

int cs_ocsp_respond(const cs_signer *responder, const char *issuer_pem, const char *revoked, int64_t this_update, int64_t next_update,
                    const uint8_t *request, size_t request_len, uint8_t **der, size_t *der_len, char *err, size_t errlen) {
    if (!responder || !issuer_pem || !request || !der || !der_len || next_update <= this_update)
        return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    struct revoked_entry *entries;
    size_t count;
    if (!parse_revoked(revoked, &entries, &count)) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "malformed revocation list");
    const unsigned char *cursor = request;
    OCSP_REQUEST *req = request_len <= 65536 ? d2i_OCSP_REQUEST(NULL, &cursor, (long)request_len) : NULL;
    int requests = req && cursor == request + request_len ? OCSP_request_onereq_count(req) : 0;
    OCSP_RESPONSE *response = NULL;
    int ok = 1;
    // Anything but a well-formed request for 1–16 certificates gets the protocol's own "malformedRequest" answer.
    if (requests < 1 || requests > 16) {
        ERR_clear_error();
        response = OCSP_response_create(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, NULL);
    } else {
        STACK_OF(X509) *issuers = cs_certificates_from_pem(issuer_pem);
        X509 *issuer = issuers && sk_X509_num(issuers) > 0 ? sk_X509_value(issuers, 0) : NULL;
        if (issuer) X509_up_ref(issuer);
        sk_X509_pop_free(issuers, X509_free);
        OCSP_BASICRESP *basic = OCSP_BASICRESP_new();
        ASN1_TIME *this = NULL, *next = NULL;
        ok = issuer && basic && set_time(&this, this_update) && set_time(&next, next_update);
        for (int i = 0; ok && i < requests; i++)
            ok = add_status(basic, OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i)), issuer, entries, count, this, next);
        // The client's nonce comes back (1), or there was none (2); the responder certificate travels along.
        ok = ok && OCSP_copy_nonce(basic, req) > 0;
        ok = ok && OCSP_basic_sign(basic, responder->cert, responder->key, EVP_sha256(), NULL, 0) > 0;
        response = ok ? OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic) : NULL;
        OCSP_BASICRESP_free(basic);
        ASN1_TIME_free(this);
        ASN1_TIME_free(next);
        X509_free(issuer);
    }
    ok = encode_response(response, der, der_len);
    OCSP_RESPONSE_free(response);
    OCSP_REQUEST_free(req);
    free_entries(entries, count);
    return ok ? CS_OK : cs_fail(CS_ERR_SIGN, err, errlen, "cannot sign the OCSP response");
}

X509 *cs_issuer_in(X509 *cert, STACK_OF(X509) *chain) {
    for (int i = 0; chain && i < sk_X509_num(chain); i++) {
        X509 *candidate = sk_X509_value(chain, i);
        if (X509_check_issued(candidate, cert) == X509_V_OK) return candidate;
    }
    return NULL;
}

static int ocsp_query(X509 *cert, STACK_OF(X509) *chain, uint8_t **der, size_t *der_len, char *err, size_t errlen) {
    X509 *issuer = cs_issuer_in(cert, chain);
    if (!issuer) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "the certificate's issuer is not among the certificates that came with it");
    OCSP_REQUEST *req = OCSP_REQUEST_new();
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
    int ok = req && id && OCSP_request_add0_id(req, id) != NULL;
    if (!ok) OCSP_CERTID_free(id);
    // A fresh nonce: an old answer replayed cannot pass for today's.
    ok = ok && OCSP_request_add1_nonce(req, NULL, 16) == 1;
    unsigned char *out = NULL;
    int len = ok ? i2d_OCSP_REQUEST(req, &out) : -1;
    OCSP_REQUEST_free(req);
    if (len <= 0) return cs_fail(CS_ERR_SIGN, err, errlen, "cannot build the OCSP request");
    *der = out;
    *der_len = (size_t)len;
    return CS_OK;
}

int cs_ocsp_query(const cs_signer *signer, uint8_t **der, size_t *der_len, char *err, size_t errlen) {
    if (!signer || !der || !der_len) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    return ocsp_query(signer->cert, signer->chain, der, der_len, err, errlen);
}

static int ocsp_check(const uint8_t *response, size_t response_len, const uint8_t *request, size_t request_len, X509 *cert,
                      STACK_OF(X509) *chain, const char *roots_pem, int64_t at_time, int *status, int64_t *revoked_at, char *err,
                      size_t errlen) {
    X509 *issuer = cs_issuer_in(cert, chain);
    const unsigned char *cursor = response;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &cursor, (long)response_len);
    const unsigned char *req_cursor = request;
    OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &req_cursor, (long)request_len);
    OCSP_BASICRESP *basic = resp && OCSP_response_status(resp) == OCSP_RESPONSE_STATUS_SUCCESSFUL ? OCSP_response_get1_basic(resp) : NULL;
    X509_STORE *store = cs_store_from_pem(roots_pem);
    OCSP_CERTID *id = issuer ? OCSP_cert_to_id(EVP_sha1(), cert, issuer) : NULL;
    const char *problem = NULL;
    if (!resp || cursor != response + response_len || !req) problem = "not an OCSP response";
    else if (!basic) problem = "the responder refused the request";
    else if (!store || !id) problem = "no trusted roots or no issuer to check against";
    if (!problem && at_time > 0) X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), (time_t)at_time);
    // Signed by the issuing CA or a responder it delegated, chaining to the roots (OpenSSL checks the delegation).
    if (!problem && OCSP_basic_verify(basic, chain, store, 0) <= 0) problem = "the answer's signature or its responder is not trusted";
    // The nonce sent must come back; a responder that pre-signs its answers sends none, and freshness then decides.
    if (!problem && OCSP_check_nonce(req, basic) == 0) problem = "the answer is not to this request (nonce)";
    int reason = -1;
    ASN1_GENERALIZEDTIME *revoked = NULL, *this_update = NULL, *next_update = NULL;
    if (!problem && !OCSP_resp_find_status(basic, id, status, &reason, &revoked, &this_update, &next_update))
        problem = "the answer says nothing about this certificate";
    if (!problem) {
        int64_t now = at_time > 0 ? at_time : (int64_t)time(NULL);
        int64_t from = cs_asn1_time_seconds(this_update), until = next_update ? cs_asn1_time_seconds(next_update) : 0;
        // Five minutes either way for clocks that differ a little.
        if (from > now + 300 || (next_update && until < now - 300)) problem = "the answer is not current";
    }
    *revoked_at = revoked ? cs_asn1_time_seconds(revoked) : 0;
    OCSP_CERTID_free(id);
    X509_STORE_free(store);
    OCSP_BASICRESP_free(basic);
    OCSP_REQUEST_free(req);
    OCSP_RESPONSE_free(resp);
    return problem ? cs_fail(CS_ERR_VERIFY, err, errlen, problem) : CS_OK;
}

int cs_ocsp_check_response(const uint8_t *response, size_t response_len, const uint8_t *request, size_t request_len,
                           const cs_signer *signer, const char *roots_pem, int64_t at_time, int *status, int64_t *revoked_at,
                           char *err, size_t errlen) {
    if (!response || !request || !signer || !roots_pem || !status || !revoked_at) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    return ocsp_check(response, response_len, request, request_len, signer->cert, signer->chain, roots_pem, at_time, status, revoked_at, err,
                      errlen);
}

int cs_cms_signer(const uint8_t *cms_der, size_t cms_len, X509 **cert, STACK_OF(X509) **certs) {
    const unsigned char *cursor = cms_der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &cursor, (long)cms_len);
    *certs = cms ? CMS_get1_certs(cms) : NULL;
    *cert = NULL;
    STACK_OF(CMS_SignerInfo) *signers = cms ? CMS_get0_SignerInfos(cms) : NULL;
    for (int i = 0; *certs && signers && sk_CMS_SignerInfo_num(signers) == 1 && i < sk_X509_num(*certs); i++)
        if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(signers, 0), sk_X509_value(*certs, i)) == 0) *cert = sk_X509_value(*certs, i);
    if (*cert) X509_up_ref(*cert);
    CMS_ContentInfo_free(cms);
    return *cert != NULL;
}

int cs_signer_from_cms(const uint8_t *cms_der, size_t cms_len, cs_signer **out, char *err, size_t errlen) {
    if (!cms_der || !out) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    *out = NULL;
    X509 *cert;
    STACK_OF(X509) *certs;
    cs_signer *signer = cs_cms_signer(cms_der, cms_len, &cert, &certs) ? OPENSSL_zalloc(sizeof *signer) : NULL;
    if (!signer) {
        X509_free(cert);
        sk_X509_pop_free(certs, X509_free);
        return cs_fail(CS_ERR_VERIFY, err, errlen, "not a CMS signature that carries its signer's certificate");
    }
    signer->cert = cert;
    signer->chain = certs;
    *out = signer;
    return CS_OK;
}

static int append_certificates(BIO *out, STACK_OF(X509) *certs) {
    for (int i = 0; certs && i < sk_X509_num(certs); i++)
        if (i2d_X509_bio(out, sk_X509_value(certs, i)) != 1) return 0;
    return 1;
}

int cs_der_certificates(const uint8_t *der, size_t der_len, uint8_t **out, size_t *out_len, char *err, size_t errlen) {
    if (!der || !out || !out_len) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    BIO *bio = BIO_new(BIO_s_mem());
    int ok = bio != NULL, known = 0;
    const unsigned char *cursor = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &cursor, (long)der_len);
    if (cms) {
        known = 1;
        STACK_OF(X509) *certs = CMS_get1_certs(cms);
        ok = ok && append_certificates(bio, certs);
        sk_X509_pop_free(certs, X509_free);
        // The certificates of each signer's signature time-stamp too: the TSA's chain needs validating as well.
        STACK_OF(CMS_SignerInfo) *signers = CMS_get0_SignerInfos(cms);
        for (int i = 0; ok && signers && i < sk_CMS_SignerInfo_num(signers); i++) {
            CMS_SignerInfo *si = sk_CMS_SignerInfo_value(signers, i);
            int index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
            X509_ATTRIBUTE *attribute = index >= 0 ? CMS_unsigned_get_attr(si, index) : NULL;
            ASN1_TYPE *value = attribute && X509_ATTRIBUTE_count(attribute) == 1 ? X509_ATTRIBUTE_get0_type(attribute, 0) : NULL;
            if (!value || value->type != V_ASN1_SEQUENCE) continue;
            const unsigned char *token_cursor = ASN1_STRING_get0_data(value->value.sequence);
            CMS_ContentInfo *token = d2i_CMS_ContentInfo(NULL, &token_cursor, ASN1_STRING_length(value->value.sequence));
            STACK_OF(X509) *token_certs = token ? CMS_get1_certs(token) : NULL;
            ok = append_certificates(bio, token_certs);
            sk_X509_pop_free(token_certs, X509_free);
            CMS_ContentInfo_free(token);
        }
        CMS_ContentInfo_free(cms);
    } else {
        ERR_clear_error();
        cursor = der;
        OCSP_RESPONSE *response = d2i_OCSP_RESPONSE(NULL, &cursor, (long)der_len);
        OCSP_BASICRESP *basic = response ? OCSP_response_get1_basic(response) : NULL;
        if (basic) {
            known = 1;
            ok = ok && append_certificates(bio, (STACK_OF(X509) *)OCSP_resp_get0_certs(basic));
        }
        OCSP_BASICRESP_free(basic);
        OCSP_RESPONSE_free(response);
    }
    char *data = NULL;
    long len = ok && known ? BIO_get_mem_data(bio, &data) : 0;
    *out = len > 0 ? OPENSSL_memdup(data, (size_t)len) : NULL;
    *out_len = *out ? (size_t)len : 0;
    BIO_free(bio);
    if (!known) return cs_fail(CS_ERR_VERIFY, err, errlen, "neither a CMS signature nor an OCSP response");
    return ok ? CS_OK : cs_fail(CS_ERR_MEMORY, err, errlen, "cannot collect the certificates");
}
