#!/bin/sh
# Development keys for Countersign, generated on this machine and never committed (Certs/ is git-ignored but for
# its README). Creates only what is missing:
#   Certs/audit-checkpoint.key(.pub)   Ed25519 key that signs audit checkpoints (`countersign audit keygen`)
#   Certs/root-ca.pem … witness.p12     the development PKI (`countersign certs init`), its TSA, OCSP responder and
#                                      CRLs; its certificates point at this service for revocation data
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
BIN="${1:?usage: scripts/dev-certs.sh PATH_TO_COUNTERSIGN}"

"$BIN" audit keygen --key Certs/audit-checkpoint.key --if-missing
"$BIN" certs init --dir Certs --if-missing --base-url "http://${COUNTERSIGN_HOST:-127.0.0.1}:${COUNTERSIGN_PORT:-8080}"
# AES-256-GCM key for customer data and signature strokes at rest (outside the database).
if [ ! -f Certs/data-encryption.key ]; then
    (umask 077; head -c 32 /dev/urandom | base64 > Certs/data-encryption.key)
fi
