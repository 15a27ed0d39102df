"""Seals the same input with pyHanko, with a visible stamp, and prints documents per second as JSON.

`countersign bench seal` runs this in the same run as its own measurement and prints the ratio.
usage: compare_pyhanko.py INPUT.pdf SEAL.p12 PASSWORD COUNT [TSA.pem TSA.key [PKI-FOLDER]]
With a TSA certificate and key, every signature gets a signature time-stamp from pyHanko's in-process TSA
(PAdES B-T), as ours does from our in-process development TSA. With the development PKI's folder as well, pyHanko
makes B-LTA: it validates the signer's chain with the folder's CRLs (no network), embeds the validation data in a DSS
and adds a document time-stamp — where ours asks the in-process OCSP responder.
"""
import io
import json
import sys
import time

from pyhanko import stamp
from pyhanko.keys import load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from asn1crypto import crl as asn1_crl
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore


def main() -> int:
    path, p12, password, count = sys.argv[1], sys.argv[2], sys.argv[3].encode(), int(sys.argv[4])
    data = open(path, "rb").read()
    signer = signers.SimpleSigner.load_pkcs12(p12, passphrase=password)  # loaded once, as we do
    style = stamp.TextStampStyle(stamp_text="Bank seal\n%(ts)s", border_width=2)
    timestamper = None
    if len(sys.argv) > 6:
        # The TSA certificate first, then its root (as tsa.pem holds them).
        tsa_certs = list(load_certs_from_pemder([sys.argv[5]]))
        timestamper = DummyTimeStamper(
            tsa_cert=tsa_certs[0], tsa_key=load_private_key_from_pemder(sys.argv[6], None),
            certs_to_embed=SimpleCertificateStore.from_certs(tsa_certs))
    lta = {}
    if len(sys.argv) > 7:
        folder = sys.argv[7]
        roots = [next(iter(load_certs_from_pemder([f"{folder}/{name}"]))) for name in ("root-ca.pem", "tsa-root.pem")]
        crls = [asn1_crl.CertificateList.load(open(f"{folder}/{name}", "rb").read())
                for name in ("issuing-ca.crl", "root-ca.crl", "tsa-root.crl")]
        context = ValidationContext(trust_roots=roots, crls=crls, allow_fetching=False, revocation_mode="hard-fail")
        lta = {"embed_validation_info": True, "use_pades_lta": True, "validation_context": context}
    latencies = []
    started = time.perf_counter()
    for _ in range(count):
        begin = time.perf_counter()
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        meta = signers.PdfSignatureMetadata(field_name="BankSeal", subfilter=fields.SigSeedSubFilter.PADES, **lta)
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, stamp_style=style, new_field_spec=fields.SigFieldSpec("BankSeal", box=(470, 14, 558, 102)),
            timestamper=timestamper)
        pdf_signer.sign_pdf(writer).getvalue()
        latencies.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(json.dumps({"documents": count, "seconds": elapsed, "per_second": count / elapsed,
                      "p50_ms": latencies[len(latencies) // 2] * 1000, "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
