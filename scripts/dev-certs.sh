#!/bin/sh
# Development PKI for Countersign, generated on this machine and never committed (Certs/ is git-ignored but for
# its README). Creates only what is missing:
#   Certs/audit-checkpoint.key(.pub)  Ed25519 key that signs audit checkpoints (`countersign audit keygen`)
#   Certs/dev-root-ca.{key,pem}        a development root CA ("Countersign DEV Root CA — NOT FOR PRODUCTION")
#   Certs/dev-intermediate-ca.{key,pem} an intermediate under it, for the seal and witness certificates
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
BIN="${1:?usage: scripts/dev-certs.sh PATH_TO_COUNTERSIGN}"
mkdir -p Certs
umask 077

"$BIN" audit keygen --key Certs/audit-checkpoint.key --if-missing

if [ ! -f Certs/dev-root-ca.pem ]; then
    say "generating the development root CA in Certs/"
    openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -sha256 -keyout Certs/dev-root-ca.key -out Certs/dev-root-ca.pem \
        -subj "/C=CN/O=Countersign Development/CN=Countersign DEV Root CA - NOT FOR PRODUCTION" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
if [ ! -f Certs/dev-intermediate-ca.pem ]; then
    openssl req -newkey rsa:3072 -nodes -sha256 -keyout Certs/dev-intermediate-ca.key -out Certs/dev-intermediate-ca.csr \
        -subj "/C=CN/O=Countersign Development/CN=Countersign DEV Issuing CA - NOT FOR PRODUCTION" 2>/dev/null
    printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > Certs/.intermediate.ext
    openssl x509 -req -in Certs/dev-intermediate-ca.csr -CA Certs/dev-root-ca.pem -CAkey Certs/dev-root-ca.key -CAcreateserial \
        -days 1825 -sha256 -extfile Certs/.intermediate.ext -out Certs/dev-intermediate-ca.pem 2>/dev/null
    rm -f Certs/dev-intermediate-ca.csr Certs/.intermediate.ext Certs/dev-root-ca.srl
fi
chmod 644 Certs/*.pem Certs/*.pub 2>/dev/null || true
