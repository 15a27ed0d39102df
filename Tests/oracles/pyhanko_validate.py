"""Validates every signature of a PDF with pyHanko and prints one JSON line per signature.

Used by the Swift tests as a third-party oracle: usage `python3 pyhanko_validate.py FILE.pdf ROOT.pem [ROOT.pem…]`.
Revocation is not checked here (`pyhanko sign adesverify` does that in the tests that need it); trust is the given
roots only. A signature time-stamp (PAdES B-T) is reported with its own validity and the time it proves; a document
time-stamp (PAdES B-LTA) as a line of its own with "kind": "document time-stamp". Each line also says how much
revocation data (OCSP answers and CRLs) pyHanko reads in the file's DSS as of that signature's revision and after
("dss_revocation"), and each signature's "revision": what a PAdES level is made of, read by pyHanko's parser.
"""
import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko_certvalidator import ValidationContext


def main() -> int:
    pdf_path, root_paths = sys.argv[1], sys.argv[2:]
    roots = [load_cert_from_pemder(path) for path in root_paths]
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    with open(pdf_path, "rb") as handle:
        reader = PdfFileReader(handle, strict=True)

        def dss_revocation(revision: int) -> int:
            try:
                dss = DocumentSecurityStore.read_dss(HistoricalResolver(reader, revision=revision))
            except NoDSSFoundError:
                return 0
            return len(dss.ocsps) + len(dss.crls)

        last = reader.xrefs.total_revisions - 1
        for signature in reader.embedded_signatures:
            if signature.sig_object_type == "/DocTimeStamp":
                status = validate_pdf_timestamp(signature, validation_context=context)
                print(json.dumps({
                    "field": signature.field_name, "kind": "document time-stamp", "intact": status.intact, "valid": status.valid,
                    "trusted": status.trusted, "coverage": status.coverage.name if status.coverage else None,
                    "time": status.timestamp.isoformat(), "revision": signature.signed_revision,
                    "dss_revocation": dss_revocation(signature.signed_revision),
                }, ensure_ascii=False))
                continue
            status = validate_pdf_signature(signature, context, ts_validation_context=context)
            stamp = status.timestamp_validity
            print(json.dumps({
                "field": signature.field_name,
                "intact": status.intact,
                "valid": status.valid,
                "trusted": status.trusted,
                "coverage": status.coverage.name if status.coverage else None,
                "modification_level": status.modification_level.name if status.modification_level else None,
                "bottom_line": status.bottom_line,
                "summary": status.summary(),
                "revision": signature.signed_revision, "dss_revocation": dss_revocation(last),
                "timestamp": None if stamp is None else {
                    "intact": stamp.intact, "valid": stamp.valid, "trusted": stamp.trusted, "time": stamp.timestamp.isoformat(),
                },
            }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
