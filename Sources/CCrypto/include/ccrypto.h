#ifndef COUNTERSIGN_CCRYPTO_H
#define COUNTERSIGN_CCRYPTO_H

/* A small plain-C surface over OpenSSL 3 for Countersign: signers from PKCS#12 or PEM, detached CAdES CMS for
 * PAdES, and CMS verification. Every function returns 0 on success or a negative cs_status, and writes a
 * human-readable reason into err (NUL-terminated, truncated to errlen). Opaque handles are freed by their
 * *_free function; byte buffers returned through out-parameters are freed with cs_free. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CS_OK = 0,
    CS_ERR_ARGUMENT = -1,
    CS_ERR_PKCS12 = -2,      /* not a PKCS#12 file, wrong password, or no key/certificate inside */
    CS_ERR_PEM = -3,         /* key or certificate PEM unreadable, or key and certificate do not match */
    CS_ERR_SIGN = -4,        /* building or signing the CMS failed */
    CS_ERR_VERIFY = -5,      /* the CMS is malformed or does not verify */
    CS_ERR_MEMORY = -6,
    CS_ERR_UNTRUSTED = -7,   /* a time-stamp over the right bytes, from an authority not trusted here */
} cs_status;

typedef struct cs_signer cs_signer;

/* Loads a signer (private key, certificate, and any further certificates as its chain). Legacy PKCS#12
 * encodings (RC2-40, 3DES) work: the default and legacy providers are both loaded. */
int cs_signer_load_pkcs12(const uint8_t *data, size_t len, const char *password, cs_signer **out, char *err, size_t errlen);
int cs_signer_load_pem(const char *key_pem, const char *password, const char *certs_pem, cs_signer **out, char *err, size_t errlen);
void cs_signer_free(cs_signer *signer);

/* The signer certificate's subject (and issuer) as an RFC 2253 string, and its key algorithm ("RSA" or "EC"). */
int cs_signer_subject(const cs_signer *signer, char *buf, size_t buflen);
int cs_signer_issuer(const cs_signer *signer, char *buf, size_t buflen);
const char *cs_signer_algorithm(const cs_signer *signer);

/* The signing certificate's validity window as seconds since the Unix epoch. */
int cs_signer_validity(const cs_signer *signer, int64_t *not_before, int64_t *not_after);

/* Detached CAdES SignedData over the concatenation of parts (the PDF byte ranges, streamed, never copied):
 * one SignerInfo with content-type, message-digest and ESS signing-certificate-v2 (SHA-256), and no
 * signing-time (PAdES keeps the time in /M). The signer and chain certificates are included. Signed once. */
int cs_cms_sign_detached(const cs_signer *signer, const uint8_t *const *parts, const size_t *lengths, size_t count,
                         uint8_t **der, size_t *der_len, char *err, size_t errlen);

/* Verifies a detached CMS over parts: CS_OK when the signature and digest hold, and then writes the signer subject
 * and, with roots_pem (one or more PEM certificates), whether the signer's chain leads to one of them
 * (*chain_trusted 1 or 0; always 0 without roots), judged at at_time (seconds since the epoch; 0: now). The
 * document is hashed once either way. */
int cs_cms_verify_detached(const uint8_t *der, size_t der_len, const uint8_t *const *parts, const size_t *lengths, size_t count,
                           const char *roots_pem, int64_t at_time, int *chain_trusted, char *subject, size_t subject_len, char *err,
                           size_t errlen);

/* Development PKI. Keys and certificates travel as PEM text (NUL-terminated, freed with cs_free).
 * algorithm: "RSA-2048" or "EC-P256". subject: lines "FIELD=value" (e.g. "C=CN\nO=银行\nCN=业务专用章"), UTF-8.
 * extensions: lines "name=value" in OpenSSL's configuration syntax, e.g. "basicConstraints=critical,CA:TRUE",
 * "keyUsage=critical,digitalSignature,nonRepudiation", "crlDistributionPoints=URI:http://…",
 * "authorityInfoAccess=OCSP;URI:http://…", "noCheck=ignored"; key identifiers are always added.
 * issuer_cert_pem NULL means self-signed (issuer_key_pem = own key). */
int cs_generate_key_pem(const char *algorithm, char **key_pem, char *err, size_t errlen);
int cs_issue_certificate_pem(const char *subject_key_pem, const char *subject, const char *issuer_cert_pem, const char *issuer_key_pem,
                             int days, uint64_t serial, const char *extensions, char **cert_pem, char *err, size_t errlen);
/* PKCS#12 (AES-256/PBKDF2, as OpenSSL 3 writes by default) of a key, its certificate and a chain PEM bundle. */
int cs_pkcs12_create(const char *key_pem, const char *cert_pem, const char *chain_pem, const char *password, const char *friendly_name,
                     uint8_t **der, size_t *der_len, char *err, size_t errlen);

/* RFC 3161 time-stamping (PAdES B-T). A query for a SHA-256 digest with a fresh nonce, asking for the TSA's
 * certificate. The development TSA's reply to a query: signed by tsa (whose certificate must carry the critical
 * timeStamping extended key usage) under policy_oid, with a random 128-bit serial and this time (seconds since the
 * epoch: the caller's clock); a malformed query gets a rejection reply. The check of a reply against its query: the status
 * granted, the same imprint and nonce, a valid signature by a TSA certificate for time-stamping that chains to
 * roots_pem; on success the token (a CMS ContentInfo, DER) and the time it states. */
int cs_ts_query(const uint8_t *digest, size_t digest_len, uint8_t **query_der, size_t *query_len, char *err, size_t errlen);
int cs_tsa_respond(const cs_signer *tsa, const char *policy_oid, int64_t unix_seconds, const uint8_t *query,
                   size_t query_len, uint8_t **reply_der, size_t *reply_len, char *err, size_t errlen);
int cs_ts_check_reply(const uint8_t *reply_der, size_t reply_len, const uint8_t *query_der, size_t query_len, const char *roots_pem,
                      uint8_t **token_der, size_t *token_len, int64_t *gen_time, char *err, size_t errlen);
/* SHA-256 of the signature value of a one-signer CMS: what its signature time-stamp covers. */
int cs_cms_signature_digest(const uint8_t *cms_der, size_t cms_len, uint8_t digest[32], char *err, size_t errlen);
/* The signature time-stamp of a one-signer CMS, checked: CS_OK with *proven_time 0 when there is none; CS_OK with
 * the time the token states when it is over this signature's value and signed by a time-stamping certificate
 * chaining to tsa_roots_pem; CS_ERR_VERIFY when it is not over this signature (or unreadable); CS_ERR_UNTRUSTED
 * when it is, but its authority is not trusted here (now). */
int cs_cms_timestamp_check(const uint8_t *cms_der, size_t cms_len, const char *tsa_roots_pem, int64_t at_time, int64_t *proven_time, char *err,
                           size_t errlen);
/* The CMS with the token added as the signer's id-aa-signatureTimeStampToken unsigned attribute. */
int cs_cms_add_timestamp(const uint8_t *cms_der, size_t cms_len, const uint8_t *token, size_t token_len, uint8_t **out_der, size_t *out_len,
                         char *err, size_t errlen);

/* Revocation data (PAdES B-LT). `revoked` lists revoked certificates, one per line: "SERIALHEX UNIXSECONDS" (the
 * revocation time); NULL or "" for none. The serial of a signer's certificate in upper-case hex. A CA's CRL (v2,
 * with CRL number and authority key identifier), DER. An OCSP response (DER) to a DER request, signed by a responder
 * the issuing CA delegated (its certificate travels in the response): per requested certificate "good", "revoked"
 * (with its time) or "unknown" when the request names another issuer; "malformedRequest" for anything but a
 * well-formed request for 1–16 certificates. thisUpdate/nextUpdate are the caller's; producedAt is the system clock
 * (OpenSSL sets it). */
int cs_signer_serial(const cs_signer *signer, char *buf, size_t buflen);
int cs_crl_create(const cs_signer *ca, int64_t this_update, int64_t next_update, uint64_t number, const char *revoked, uint8_t **der,
                  size_t *der_len, char *err, size_t errlen);
int cs_ocsp_respond(const cs_signer *responder, const char *issuer_pem, const char *revoked, int64_t this_update, int64_t next_update,
                    const uint8_t *request, size_t request_len, uint8_t **der, size_t *der_len, char *err, size_t errlen);

/* The signer's side of OCSP: a request (DER, SHA-1 CertID as responders expect, fresh nonce) about the signer's
 * certificate, its issuer found among the certificates that came with it; and the check of a response to it:
 * successful, signed by the issuer or a responder it delegated and chaining to roots_pem (judged at at_time; 0 now),
 * the nonce echoed when the responder sent one, current at at_time (5 minutes' leeway). *status is
 * V_OCSP_CERTSTATUS_GOOD (0), _REVOKED (1, *revoked_at set) or _UNKNOWN (2); CS_ERR_VERIFY when it cannot be relied on. */
int cs_ocsp_query(const cs_signer *signer, uint8_t **der, size_t *der_len, char *err, size_t errlen);
/* A signer without a key for the signer of a one-signer CMS signature (its certificate, and the certificates the CMS
 * carries as its chain): what the OCSP functions above ask about for a signature already made. Freed with
 * cs_signer_free; never signs. */
int cs_signer_from_cms(const uint8_t *cms_der, size_t cms_len, cs_signer **out, char *err, size_t errlen);
int cs_ocsp_check_response(const uint8_t *response, size_t response_len, const uint8_t *request, size_t request_len,
                           const cs_signer *signer, const char *roots_pem, int64_t at_time, int *status, int64_t *revoked_at,
                           char *err, size_t errlen);

/* Long-term validation (PAdES B-LT, B-LTA). The certificates a CMS signature carries, those of its signers'
 * signature time-stamps included, or those an OCSP response carries (its responder's): concatenated DER, *out NULL
 * when there are none. A document time-stamp token (DER) checked against the SHA-256 of the bytes it covers: over
 * other bytes → CS_ERR_VERIFY; from an authority not trusted by tsa_roots_pem → CS_ERR_UNTRUSTED; else CS_OK and the
 * time it proves. */
int cs_der_certificates(const uint8_t *der, size_t der_len, uint8_t **out, size_t *out_len, char *err, size_t errlen);
int cs_ts_token_check(const uint8_t *token_der, size_t token_len, const uint8_t digest[32], const char *tsa_roots_pem, int64_t at_time,
                      int64_t *proven_time, char *err, size_t errlen);

/* A CMS signature's signer judged at at_time (the time a time-stamp proves) from revocation data alone — DER OCSP
 * responses and CRLs, e.g. a PDF's DSS; no network. The chain is built to roots_pem as of at_time; each certificate
 * below the anchor needs an answer or CRL signed by its issuer (or, for OCSP, a responder the issuer delegated,
 * checked as of the answer's own time) that was current at at_time or issued after it. *verdict: CS_REVOCATION_GOOD,
 * _REVOKED (one was revoked at or before at_time: *revoked_at, its subject in `which`; revoked later is good) or
 * _UNPROVEN (one has no such data; `which` names it). CS_ERR_UNTRUSTED when the chain reaches no root at at_time. */
enum { CS_REVOCATION_GOOD = 0, CS_REVOCATION_REVOKED = 1, CS_REVOCATION_UNPROVEN = 2 };
int cs_revocation_judge_cms(const uint8_t *cms_der, size_t cms_len, const uint8_t *const *items, const size_t *lengths, size_t count,
                            const char *roots_pem, int64_t at_time, int *verdict, int64_t *revoked_at, char *which, size_t which_len,
                            char *err, size_t errlen);

/* The validity of the certificate that signed a one-signer CMS (a signature, or a time-stamp token, whose TSA
 * certificate decides when an archive time-stamp needs renewing), as Unix seconds. */
int cs_cms_signer_validity(const uint8_t *cms_der, size_t cms_len, int64_t *not_before, int64_t *not_after, char *err, size_t errlen);

void cs_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
