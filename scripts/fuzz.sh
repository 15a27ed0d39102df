#!/bin/sh
# Fuzzes the PDF reader (Sources/PDFReader: everything /api/v1/verify does with an upload before OpenSSL) with
# libFuzzer for a bounded time, after replaying every input that once crashed it.
#   FUZZ_SECONDS  how long to fuzz (default 60; 0 replays the regressions only)
# The committed seed corpus is copied, never grown in place; a new crash is saved under test-artifacts/fuzz/ and
# fails the run: add it to Tests/Fuzz/regressions/ with the fix.
. "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

seconds="${FUZZ_SECONDS:-60}"
out="$REPO_ROOT/.build-fuzz"
mkdir -p "$out"
say "building the PDF reader fuzzer (libFuzzer + AddressSanitizer)"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name PDFReaderFuzz \
    Sources/PDFReader/*.swift Tests/Fuzz/PDFReaderFuzzer.swift -o "$out/pdf-reader-fuzzer" 2>"$out/build.log" \
    || { cat "$out/build.log" >&2; die "the fuzzer did not build"; }

say "replaying $(ls Tests/Fuzz/regressions | wc -l) inputs that once broke the reader"
"$out/pdf-reader-fuzzer" -runs=1 Tests/Fuzz/regressions/* >"$out/replay.log" 2>&1 \
    || { tail -40 "$out/replay.log" >&2; die "a regression input fails again (see above)"; }

[ "$seconds" -gt 0 ] || exit 0
work="$(mktemp -d /tmp/countersign-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT INT TERM
cp Tests/Fuzz/corpus/* "$work/"
artifacts="$REPO_ROOT/test-artifacts/fuzz"
mkdir -p "$artifacts"
say "fuzzing the PDF reader for ${seconds}s"
if ! "$out/pdf-reader-fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$work" >"$out/fuzz.log" 2>&1; then
    tail -60 "$out/fuzz.log" >&2
    die "the fuzzer found an input that crashes or hangs the reader: $(ls "$artifacts")"
fi
grep -E "^stat::number_of_executed_units|^Done" "$out/fuzz.log" >&2 || true
