#!/usr/bin/env bash
# rungroups.sh — run package bench's benchmarks for make compare.
#
#   rungroups.sh TESTBIN RAW COUNT BENCHTIME CODEC_BENCHTIME
#
# Each benchmark runs in a process of its own (fasthttp's buffer pools
# calibrate themselves on what a process did before), COUNT rounds, each
# round going through every benchmark once, so that the load of the shared
# machine drifts over all of them alike. Results are appended to RAW. A
# benchmark that fails (a client that opened a second connection, a short
# body) is run again once; its failure output goes to RAW.failures and the
# round goes on, so that one flaky run costs one sample, not the whole run.
# RAW.env keeps the goos/goarch/cpu lines, RAW.load the load average at
# the start of each round. The exit status is 1 if any
# benchmark failed twice.
set -uo pipefail

testbin=$1 raw=$2 count=$3 benchtime=$4 codec_benchtime=$5

scenarios=(small post1k 64k chunked1m)
clients=(httpstack httpstack_copy fasthttp nethttp floor)
heads=(wire wire_header wire_bufio fasthttp nethttp index)
chunks=(wire wire_reader httputil copy)

: >"$raw"
: >"$raw.failures"
: >"$raw.env"
: >"$raw.load"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
status=0

# run BENCHTIME REGEXP: one benchmark, one process, retried once.
run() {
	local benchtime=$1 re=$2 try
	for try in 1 2; do
		if "$testbin" -test.run='^$' -test.bench="$re" -test.benchtime="$benchtime" \
			-test.count=1 -test.benchmem >"$tmp" 2>&1; then
			grep '^Benchmark' "$tmp" >>"$raw"
			[ -s "$raw.env" ] || grep -E '^(goos|goarch|pkg|cpu):' "$tmp" >"$raw.env"
			return 0
		fi
		{
			echo "== $re (try $try)"
			cat "$tmp"
		} >>"$raw.failures"
		echo "  $re failed (try $try); see $raw.failures" >&2
	done
	status=1
}

for round in $(seq "$count"); do
	echo "round $round of $count" >&2
	echo "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw.load"
	for s in "${scenarios[@]}"; do
		for c in "${clients[@]}"; do
			run "$benchtime" "^BenchmarkClient\$/^$s\$/^$c\$"
		done
	done
	for h in "${heads[@]}"; do
		run "$codec_benchtime" "^BenchmarkHead\$/^$h\$"
	done
	for c in "${chunks[@]}"; do
		run "$codec_benchtime" "^BenchmarkChunked\$/^$c\$"
	done
done
exit $status
