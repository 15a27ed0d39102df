#!/bin/sh
# Prints each compiler diagnostic once (swift build repeats them per batch job).
grep -E "(error|warning):" | grep -v "swift-distributed-tracing" | sort -u
