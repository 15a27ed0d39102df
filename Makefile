# The two commands a newcomer needs are `make run` and `make test`; the rest are shortcuts.
.PHONY: run test fuzz build release bench-audit bench-seal bench-authz bench-ceiling bench-counter bench-report db-stop db-status verify-audit checkpoint-audit lint format clean-data

run:            ## build, start the private PostgreSQL, migrate, seed, serve on http://127.0.0.1:8080
	@sh scripts/run.sh

test:           ## the whole suite against a throwaway PostgreSQL
	@sh scripts/test.sh

fuzz:           ## the PDF reader under libFuzzer for FUZZ_SECONDS (default 600) after its regression inputs
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-600} sh scripts/fuzz.sh

build:
	swift build

release:
	swift build -c release --product countersign
	swift build -c release --product countersign-bench

bench-audit: release  ## chained vs plain audit appends against the .data cluster (fsync on)
	@sh scripts/db.sh start .data >/dev/null
	.build/release/countersign migrate --log-level warning
	python3 scripts/cpu-sample.py --out benchmarks/results/audit.cpu.json --pgdata .data/pgdata -- \
		.build/release/countersign-bench audit --json benchmarks/results/audit.json

bench-seal: release   ## e-seal throughput (RSA, ECDSA, 20-page file, B-B/B-T/B-LTA) and pyHanko at each level; needs Certs/ (make run)
	.build/release/countersign certs init --if-missing
	python3 scripts/cpu-sample.py --out benchmarks/results/seal.cpu.json -- \
		.build/release/countersign-bench seal --json benchmarks/results/seal.json

bench-authz: release  ## full authorization round trips over HTTP + WebSocket against a release service on .data (fsync on)
	@sh scripts/bench-authz.sh

bench-ceiling: release  ## authenticated requests/s over HTTP and audited writes/s alone: the ceiling under bench-authz
	@sh scripts/bench-ceiling.sh

bench-counter: release  ## pre-fill submissions/s over HTTP against a release service on .data (fsync on)
	@sh scripts/bench-counter.sh

bench-supervision: release  ## auditors' searches, evidence and reports on a synthetic year in .data (seeded once, minutes)
	@sh scripts/bench-supervision.sh

bench-report:   ## the figures in docs/benchmarks.md, from the JSON the benches wrote to benchmarks/results/
	swift run countersign-bench report

verify-audit:   ## recompute every audit hash in the .data cluster
	swift run countersign audit verify

checkpoint-audit:
	swift run countersign audit checkpoint

db-stop:
	@sh scripts/db.sh stop .data

db-status:
	@sh scripts/db.sh status .data

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

format:
	swift format --in-place --recursive Package.swift Sources Tests

clean-data:     ## stop and delete the private cluster (all local data!)
	@sh scripts/db.sh stop .data; rm -rf .data
