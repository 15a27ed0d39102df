#!/bin/sh
# Installs the Debian packages Countersign needs (as root), or says exactly which to install (otherwise).
. "$(dirname "$0")/lib.sh"

# chromium, chromium-driver and python3-selenium drive the pages in a real headless browser in `make test`;
# zbarimg (zbar-tools) is the independent decoder our QR codes are checked with; libjs-pdf is pdf.js, which the
# service serves to the customer screen to draw the voucher preview; libcurl4 carries Foundation's HTTP client,
# which asks an external time-stamp authority. postgresql-15-pgtap (pgTAP, for Debian 12's PostgreSQL 15) tests the
# guard triggers and rule functions inside the database. libxlsxwriter-dev writes the reports' XLSX downloads,
# libjs-chart.js draws their charts (served by the service), and python3-openpyxl reads the XLSX back in the tests.
PACKAGES="postgresql postgresql-contrib libssl-dev pkg-config openssl libpodofo-dev fonts-arphic-gbsn00lp poppler-utils qpdf libnss3-tools zbar-tools
    chromium chromium-driver python3-selenium libjs-pdf libcurl4 postgresql-15-pgtap libxlsxwriter-dev libjs-chart.js python3-openpyxl"

missing=""
for pkg in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done

if [ -n "$missing" ]; then
    if is_root; then
        say "installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # The Debian package would start a system-wide cluster on port 5432; we run our own, so keep it off.
        mkdir -p /etc/postgresql-common
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        die "missing Debian packages:$missing — install them with: sudo apt-get install -y$missing"
    fi
fi

# pyHanko is the tests' PDF signature oracle (PyPI; the CLI is its own package); schemathesis checks the service
# against its OpenAPI document (pinned: its command line changed between major versions).
# axe-selenium-python carries axe-core, the accessibility checker the browser tests run on every page.
if ! python3 -c "import pyhanko, pyhanko_certvalidator, openapi_spec_validator, yaml, schemathesis, axe_selenium_python" >/dev/null 2>&1; then
    say "installing pyHanko, openapi-spec-validator, schemathesis and axe-selenium-python (test oracles) from PyPI"
    if is_root; then pip_user=""; else pip_user="--user"; fi
    python3 -m pip install --quiet --disable-pip-version-check $pip_user pyhanko pyhanko-certvalidator pyhanko-cli \
        openapi-spec-validator pyyaml "schemathesis==4.32.5" "axe-selenium-python==2.1.6" \
        || die "could not install the test oracles: python3 -m pip install pyhanko pyhanko-certvalidator pyhanko-cli openapi-spec-validator pyyaml schemathesis==4.32.5 axe-selenium-python==2.1.6"
fi

command -v swift >/dev/null 2>&1 || die "swift is not on PATH: install the Swift 6.3 toolchain (https://www.swift.org/install/linux/)"
pg_bindir >/dev/null || die "PostgreSQL server binaries not found even though the postgresql package is installed"
exit 0
