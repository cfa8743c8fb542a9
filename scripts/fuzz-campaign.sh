#!/usr/bin/env bash
# fuzz-campaign.sh — a long fuzzing campaign: every FuzzXxx target of the
# module (or the ones named), one after another, each for a fixed time
# with several workers, then a summary of execs, crashes, hangs and peak
# worker memory per target.
#
#   scripts/fuzz-campaign.sh                       every target, 5 min each, 2 workers
#   scripts/fuzz-campaign.sh -t 30m -p 2           nightly-sized
#   scripts/fuzz-campaign.sh ./hostile:FuzzRequest ./wire:FuzzChunkedDecoder
#
# Options:
#   -t DURATION   time per target, as go test -fuzztime takes it (default 5m)
#   -p N          fuzzing workers per target, go test -parallel (default 2)
#   -m DURATION   -fuzzminimizetime (default 10s; the default 60s stalls
#                 the workers for a minute on every big new input)
#   -o DIR        output directory (default /tmp/fuzz-campaign)
#
# The repository is never modified: each target runs in a fresh copy of
# the working tree (without .git) under DIR/src, so the crashers go test
# writes to testdata/fuzz/ land there; the script copies them to
# DIR/crashers/<Target>/ and prints them. To keep one as a regression
# seed, copy it into <pkg>/testdata/fuzz/<Target>/ yourself. The
# interesting inputs found accumulate in go's fuzz cache
# ($(go env GOCACHE)/fuzz), so a later campaign starts where this one
# stopped.
#
# A hang is an input the fuzz target's own watchdog reports ("hang:"), or
# a worker that go test reports as hung or killed. Peak RSS is sampled
# every 2 s over the target's worker processes; above the OOM limit
# (256 MiB, reference §5 goal 9) the target counts as an OOM.
#
# The exit status is 1 if any target crashed, hung or went over the
# memory limit.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

fuzztime=5m
parallel=2
minimize=10s
out=/tmp/fuzz-campaign
oom_kib=$((256 * 1024))
while getopts "t:p:m:o:h" opt; do
	case "$opt" in
	t) fuzztime=$OPTARG ;;
	p) parallel=$OPTARG ;;
	m) minimize=$OPTARG ;;
	o) out=$OPTARG ;;
	*)
		awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))

# Targets as "pkgdir:FuzzName", found the way `make fuzz` finds them.
if [ $# -gt 0 ]; then
	targets=("$@")
else
	mapfile -t targets < <(grep -rE -o --include='*_test.go' \
		--exclude-dir=.git --exclude-dir=testdata --exclude-dir=bench --exclude-dir=tools \
		'^func Fuzz[A-Za-z0-9_]*\(' . |
		awk -F':func ' '{ n = split($1, p, "/"); d = "."; for (i = 2; i < n; i++) d = d "/" p[i]; sub(/\($/, "", $2); print d ":" $2 }' |
		sort -u)
fi
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz-campaign: no fuzz targets found" >&2
	exit 2
fi

mkdir -p "$out/logs" "$out/crashers"
summary=$out/summary.txt
printf '%-10s %-24s %8s %12s %9s %8s %8s %6s %6s %9s  %s\n' \
	package target wall execs execs/s cpu-min new crash hang peakRSS result >"$summary"
echo "fuzz-campaign: ${#targets[@]} targets, $fuzztime each, $parallel workers; logs in $out/logs" >&2

# peak_rss samples the RSS (KiB) of the fuzz workers of target until the
# file $1 disappears, and writes the peak to $2.
peak_rss() {
	local flag=$1 result=$2 target=$3 peak=0 kib
	while [ -e "$flag" ]; do
		for pid in $(pgrep -f -- "-test.fuzzworker.*-test.fuzz=\\^$target\\$" 2>/dev/null); do
			kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
			[ "${kib:-0}" -gt "$peak" ] && peak=$kib
		done
		sleep 2
	done
	echo "$peak" >"$result"
}

failed=0
for t in "${targets[@]}"; do
	pkg=${t%%:*}
	name=${t##*:}
	log=$out/logs/$name.log
	src=$out/src
	rm -rf "$src"
	mkdir -p "$src"
	# A fresh copy of the working tree, taken now: edits made while an
	# earlier target ran are picked up.
	tar -C "$repo" --exclude=.git --exclude='*.test' --exclude=./bench -cf - . | tar -C "$src" -xf -
	before=$(find "$src/$pkg/testdata/fuzz/$name" -type f 2>/dev/null | sort)

	flag=$(mktemp)
	peakfile=$(mktemp)
	peak_rss "$flag" "$peakfile" "$name" &
	sampler=$!
	echo "==> $pkg $name ($fuzztime, -parallel $parallel) $(date -u +%H:%M:%S)" >&2
	TIMEFORMAT='%R %U %S'
	times=$({ time (cd "$src" && go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" \
		-fuzzminimizetime="$minimize" -parallel="$parallel" "$pkg" >"$log" 2>&1; echo "rc=$?" >>"$log"); } 2>&1)
	rm -f "$flag"
	wait "$sampler"
	peak=$(cat "$peakfile")
	rm -f "$peakfile"

	read -r wall user sys <<<"$times"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", (u + s) / 60 }')
	last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -n 1)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
	newi=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
	rate=$(awk -v e="${execs:-0}" -v w="$wall" 'BEGIN { if (w > 0) printf "%d", e / w; else print 0 }')
	after=$(find "$src/$pkg/testdata/fuzz/$name" -type f 2>/dev/null | sort)
	crashers=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')
	ncrash=0
	nhang=0
	if [ -n "$crashers" ]; then
		mkdir -p "$out/crashers/$name"
		cp $crashers "$out/crashers/$name/"
		ncrash=$(wc -l <<<"$crashers")
	fi
	if grep -qE 'hang: |fuzzing process hung|terminated unexpectedly' "$log"; then
		nhang=1
	fi
	result=ok
	if ! grep -q '^rc=0$' "$log"; then
		result=FAIL
	fi
	if [ "$nhang" -gt 0 ]; then
		result=HANG
		ncrash=$((ncrash > 0 ? ncrash - 1 : 0))
	fi
	if [ "${peak:-0}" -gt "$oom_kib" ]; then
		result="$result,OOM"
	fi
	[ "$result" = ok ] || failed=1
	printf '%-10s %-24s %7.0fs %12s %9s %8s %8s %6s %6s %7dMi  %s\n' \
		"$pkg" "$name" "$wall" "${execs:-0}" "$rate" "$cpu" "${newi:-0}" "$ncrash" "$nhang" "$((${peak:-0} / 1024))" "$result" >>"$summary"
	if [ "$result" != ok ]; then
		grep -E -A12 -- '--- FAIL|hang: |fuzzing process' "$log" | head -n 40 >&2
		for c in $crashers; do echo "    crasher: $out/crashers/$name/$(basename "$c")" >&2; done
	fi
	tail -n 1 "$summary" >&2
done
rm -rf "$out/src"

echo >&2
cat "$summary"
exit "$failed"
