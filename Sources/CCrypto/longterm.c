// Long-term validation from a file's own revocation data (see include/ccrypto.h): a signer's chain judged at the
// time a time-stamp proves, with only the OCSP answers and CRLs the file carries — no network, decades later.
#include "ccrypto.h"
#include "internal.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <string.h>

enum says { SAYS_NOTHING = -1, SAYS_GOOD = 0, SAYS_REVOKED = 1 };

// Five minutes either way for clocks that differ a little.
static const int64_t leeway = 300;

// Data issued after at_time, or current at it (its next update not yet due), speaks about that moment: revocation
// is final, so "not revoked" as of a later time holds for the earlier one too.
static int current_at(const ASN1_TIME *this_update, const ASN1_TIME *next_update, int64_t at_time) {
    if (this_update && cs_asn1_time_seconds(this_update) >= at_time - leeway) return 1;
    return next_update && cs_asn1_time_seconds(next_update) >= at_time - leeway;
}

// A status as of at_time: revoked at or before it, or good (revoked later, or not at all) when current. "Not
// listed" proves nothing once the certificate has expired: CAs drop expired certificates from their CRLs (RFC 5280
// §3.3), so data issued after not_after does not speak for it.
static enum says status_at(int revoked, const ASN1_TIME *revocation, const ASN1_TIME *this_update, const ASN1_TIME *next_update,
                           int64_t at_time, int64_t not_after, int64_t *revoked_at) {
    if (revoked && cs_asn1_time_seconds(revocation) <= at_time) {
        *revoked_at = cs_asn1_time_seconds(revocation);
        return SAYS_REVOKED;
    }
    if (revoked) return SAYS_GOOD;
    return current_at(this_update, next_update, at_time) && cs_asn1_time_seconds(this_update) <= not_after ? SAYS_GOOD : SAYS_NOTHING;
}

// What an OCSP answer says about cert (issued by issuer). Its signature — the issuer's or a responder it delegated,
// chaining to the store's roots — is judged at the time the answer was produced: the responder's certificate may
// have expired since, and the time-stamp over the file proves the answer existed then.
static enum says ocsp_says(const uint8_t *item, size_t len, X509 *cert, X509 *issuer, STACK_OF(X509) *untrusted, X509_STORE *store,
                           int64_t at_time, int64_t *revoked_at) {
    const unsigned char *cursor = item;
    OCSP_RESPONSE *response = d2i_OCSP_RESPONSE(NULL, &cursor, (long)len);
    OCSP_BASICRESP *basic =
        response && OCSP_response_status(response) == OCSP_RESPONSE_STATUS_SUCCESSFUL ? OCSP_response_get1_basic(response) : NULL;
    enum says says = SAYS_NOTHING;
    const EVP_MD *digests[] = {EVP_sha1(), EVP_sha256()};
    for (size_t d = 0; basic && says == SAYS_NOTHING && d < 2; d++) {
        OCSP_CERTID *id = OCSP_cert_to_id(digests[d], cert, issuer);
        int status = -1, reason = -1;
        ASN1_GENERALIZEDTIME *revocation = NULL, *this_update = NULL, *next_update = NULL;
        if (id && OCSP_resp_find_status(basic, id, &status, &reason, &revocation, &this_update, &next_update)) {
            X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), (time_t)cs_asn1_time_seconds(OCSP_resp_get0_produced_at(basic)));
            if (OCSP_basic_verify(basic, untrusted, store, 0) > 0 && status != V_OCSP_CERTSTATUS_UNKNOWN)
                says = status_at(status == V_OCSP_CERTSTATUS_REVOKED, revocation, this_update, next_update, at_time,
                                 cs_asn1_time_seconds(X509_get0_notAfter(cert)), revoked_at);
        }
        OCSP_CERTID_free(id);
    }
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(response);
    return says;
}

// What a CRL says about cert: only a complete CRL of its issuer, signed by the issuer's key, speaks (a delta CRL or
// one partitioned by an issuing distribution point covers only part of what the issuer revoked).
static enum says crl_says(const uint8_t *item, size_t len, X509 *cert, X509 *issuer, int64_t at_time, int64_t *revoked_at) {
    const unsigned char *cursor = item;
    X509_CRL *crl = d2i_X509_CRL(NULL, &cursor, (long)len);
    enum says says = SAYS_NOTHING;
    if (crl && X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) == 0 &&
        X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) < 0 && X509_CRL_get_ext_by_NID(crl, NID_issuing_distribution_point, -1) < 0 &&
        X509_CRL_verify(crl, X509_get0_pubkey(issuer)) == 1) {
        X509_REVOKED *entry = NULL;
        // 1: listed; 2: listed as removeFromCRL (a hold lifted), which is not a revocation.
        int listed = X509_CRL_get0_by_cert(crl, &entry, cert) == 1;
        says = status_at(listed, listed ? X509_REVOKED_get0_revocationDate(entry) : NULL, X509_CRL_get0_lastUpdate(crl),
                         X509_CRL_get0_nextUpdate(crl), at_time, cs_asn1_time_seconds(X509_get0_notAfter(cert)), revoked_at);
    }
    X509_CRL_free(crl);
    return says;
}

int cs_revocation_judge_cms(const uint8_t *cms_der, size_t cms_len, const uint8_t *const *items, const size_t *lengths, size_t count,
                            const char *roots_pem, int64_t at_time, int *verdict, int64_t *revoked_at, char *which, size_t which_len,
                            char *err, size_t errlen) {
    if (!cms_der || (count > 0 && (!items || !lengths)) || !roots_pem || !verdict || !revoked_at || !which || which_len == 0)
        return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    *verdict = CS_REVOCATION_GOOD;
    *revoked_at = 0;
    which[0] = 0;
    X509 *cert = NULL;
    STACK_OF(X509) *certs = NULL;
    int found = cs_cms_signer(cms_der, cms_len, &cert, &certs);
    X509_STORE *store = found ? cs_store_from_pem(roots_pem) : NULL;
    X509_STORE_CTX *context = store ? X509_STORE_CTX_new() : NULL;
    STACK_OF(X509) *chain = NULL;
    if (context && X509_STORE_CTX_init(context, store, cert, certs) == 1) {
        X509_STORE_CTX_set_time(context, 0, (time_t)at_time);
        if (X509_verify_cert(context) == 1) chain = X509_STORE_CTX_get1_chain(context);
    }
    X509_STORE_CTX_free(context);
    // Every certificate below the trust anchor needs its issuer's word; one revoked before at_time decides at once.
    for (int i = 0; chain && *verdict != CS_REVOCATION_REVOKED && i + 1 < sk_X509_num(chain); i++) {
        X509 *subject = sk_X509_value(chain, i), *issuer = sk_X509_value(chain, i + 1);
        enum says best = SAYS_NOTHING;
        for (size_t k = 0; best != SAYS_REVOKED && k < count; k++) {
            enum says says = ocsp_says(items[k], lengths[k], subject, issuer, chain, store, at_time, revoked_at);
            if (says == SAYS_NOTHING) says = crl_says(items[k], lengths[k], subject, issuer, at_time, revoked_at);
            if (says != SAYS_NOTHING) best = says;
        }
        if (best == SAYS_GOOD) continue;
        if (best == SAYS_REVOKED || *verdict == CS_REVOCATION_GOOD) {
            *verdict = best == SAYS_REVOKED ? CS_REVOCATION_REVOKED : CS_REVOCATION_UNPROVEN;
            X509_NAME_oneline(X509_get_subject_name(subject), which, (int)which_len);
        }
    }
    ERR_clear_error();
    int status = chain ? CS_OK
                 : found ? cs_fail(CS_ERR_UNTRUSTED, err, errlen, "the signer's chain does not reach a trusted root at that time")
                         : cs_fail(CS_ERR_VERIFY, err, errlen, "not a CMS signature whose signer certificate it carries");
    sk_X509_pop_free(chain, X509_free);
    X509_STORE_free(store);
    X509_free(cert);
    sk_X509_pop_free(certs, X509_free);
    return status;
}

int cs_cms_signer_validity(const uint8_t *cms_der, size_t cms_len, int64_t *not_before, int64_t *not_after, char *err, size_t errlen) {
    if (!cms_der || !not_before || !not_after) return cs_fail(CS_ERR_ARGUMENT, err, errlen, "missing argument");
    X509 *cert = NULL;
    STACK_OF(X509) *certs = NULL;
    int found = cs_cms_signer(cms_der, cms_len, &cert, &certs);
    if (found) {
        *not_before = cs_asn1_time_seconds(X509_get0_notBefore(cert));
        *not_after = cs_asn1_time_seconds(X509_get0_notAfter(cert));
    }
    X509_free(cert);
    sk_X509_pop_free(certs, X509_free);
    return found ? CS_OK : cs_fail(CS_ERR_VERIFY, err, errlen, "not a CMS signature whose signer certificate it carries");
}
