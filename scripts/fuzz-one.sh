#!/usr/bin/env bash
# fuzz-one.sh PKG TARGET FUZZTIME: runs one native fuzz target, as
# `make fuzz` does for each. A finding fails it, with go test's report and
# the failing input written under PKG/testdata/fuzz/TARGET.
#
# One failure is not a finding: when the fuzz time runs out while a worker
# is still busy (a loaded machine), go test can end with "context deadline
# exceeded" and no failing input (golang/go#56238). That run is retried
# once; a second such failure, or any failure with an input, fails.
set -uo pipefail
pkg=$1 fn=$2 fuzztime=$3
go=${GO:-go}
for attempt in 1 2; do
	out=$(mktemp)
	"$go" test -run='^$' -fuzz="^${fn}\$" -fuzztime="$fuzztime" "$pkg" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		rm -f "$out"
		exit 0
	fi
	if [ "$attempt" -eq 1 ] && grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written' "$out"; then
		echo "fuzz-one: $fn ended with 'context deadline exceeded' and no failing input (a go test timing fault, not a finding); running it again"
		rm -f "$out"
		continue
	fi
	rm -f "$out"
	exit "$rc"
done
exit 1
