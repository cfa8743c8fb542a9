#!/usr/bin/env bash
# check.sh — the checks to run before a commit. It changes nothing.
#
#   scripts/check.sh                 everything, over ./...
#   scripts/check.sh ./wire/...      vet, staticcheck and tests for some packages only
#   scripts/check.sh -short ./...    pass -short to go test
#
# Steps: gofmt -l, go vet, staticcheck (v0.8.2, the version make test pins),
# go test -race -count=1, then hygiene (go mod tidy -diff, shell syntax of
# .ci/run and scripts/*.sh, .ci/run executable). Every step runs even when
# an earlier one fails; the exit status is 1 if any failed. `go mod tidy
# -diff` only warns, since a module half-way through a change is often untidy.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

STATICCHECK_VERSION=v0.8.2
testflags=()
pkgs=()
for arg in "$@"; do
	case "$arg" in
	-h | --help)
		awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
		exit 0
		;;
	-*) testflags+=("$arg") ;;
	*) pkgs+=("$arg") ;;
	esac
done
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

failed=()
step() { printf '\n== %s\n' "$*"; }
fail() {
	failed+=("$1")
	echo "FAIL: $1"
}

step "gofmt -l"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "$unformatted"
	fail "gofmt (run 'make fmt')"
fi

step "go vet ${pkgs[*]}"
go vet "${pkgs[@]}" || fail "go vet"

# Use an installed staticcheck only when it is the pinned version, so that
# local results match CI's.
step "staticcheck ${pkgs[*]}"
sc=""
for cand in "$(command -v staticcheck 2>/dev/null)" "$(go env GOPATH)/bin/staticcheck"; do
	if [ -n "$cand" ] && [ -x "$cand" ] && "$cand" -version 2>/dev/null | grep -q "(${STATICCHECK_VERSION#v})"; then
		sc=$cand
		break
	fi
done
if [ -n "$sc" ]; then
	"$sc" "${pkgs[@]}" || fail "staticcheck"
else
	go run "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}" "${pkgs[@]}" || fail "staticcheck"
fi

step "go test -race -count=1 ${testflags[*]} ${pkgs[*]}"
go test -race -count=1 "${testflags[@]}" "${pkgs[@]}" || fail "go test"

step "hygiene"
if ! tidy=$(go mod tidy -diff 2>&1); then
	echo "warning: go.mod/go.sum are not tidy (go mod tidy -diff):"
	echo "$tidy"
fi
if [ -f .ci/run ]; then
	[ -x .ci/run ] || fail ".ci/run is not executable (chmod +x .ci/run)"
	bash -n .ci/run || fail "bash -n .ci/run"
fi
for f in scripts/*.sh; do
	[ -f "$f" ] || continue
	bash -n "$f" || fail "bash -n $f"
done

echo
if [ ${#failed[@]} -gt 0 ]; then
	printf 'check: %d step(s) failed:\n' "${#failed[@]}"
	printf '  - %s\n' "${failed[@]}"
	exit 1
fi
echo "check: all steps passed"
