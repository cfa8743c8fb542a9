# httpstack build targets. Only Go is needed: staticcheck runs pinned
# through `go run`, which fetches it from the module proxy once.
#
#   make test           gofmt check, go vet, staticcheck, go test -race
#   make fuzz           every FuzzXxx in the module for $(FUZZTIME) each
#   make bench          benchmarks of the library packages
#   make bench-compare  bench/'s comparison against other clients
#   make cover          coverage profile and total
#   make demo           the embedded demo (loopback servers only)
#   make interop        scripts/interop.sh, when it exists
#   make check          scripts/check.sh, the before-commit checks

GO          ?= go
GOFMT       ?= gofmt
FUZZTIME    ?= 10s
TESTTIMEOUT ?= 10m
COVERPROFILE ?= coverage.out
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Directories grep skips when looking for fuzz targets: bench/ and tools/
# are modules of their own; testdata/ is never a package.
FUZZ_EXCLUDE := --exclude-dir=.git --exclude-dir=testdata --exclude-dir=bench --exclude-dir=tools

.PHONY: all test fmt-check fmt vet staticcheck fuzz bench bench-compare cover demo interop check

all: test

test: fmt-check vet staticcheck
	$(GO) test -race -count=1 -timeout=$(TESTTIMEOUT) ./...

# fmt-check fails when gofmt would change any file.
fmt-check:
	@out=$$($(GOFMT) -l .); \
	if [ -n "$$out" ]; then \
		echo "gofmt -l: these files need formatting (run 'make fmt'):"; \
		echo "$$out"; \
		exit 1; \
	fi

fmt:
	$(GOFMT) -w .

vet:
	$(GO) vet ./...

staticcheck:
	$(STATICCHECK) ./...

# fuzz finds every `func FuzzXxx(` in a _test.go file, groups them by
# package directory and runs each alone, since go test -fuzz takes one
# target per run.
fuzz:
	@set -e; \
	targets=$$(grep -rE -o --include='*_test.go' $(FUZZ_EXCLUDE) '^func Fuzz[A-Za-z0-9_]*\(' . \
		| awk -F':func ' '{ n = split($$1, p, "/"); d = "."; for (i = 2; i < n; i++) d = d "/" p[i]; sub(/\($$/, "", $$2); print d, $$2 }' \
		| sort -u); \
	if [ -z "$$targets" ]; then echo "fuzz: no fuzz targets found"; exit 0; fi; \
	echo "$$targets" | while read -r pkg fn; do \
		echo "==> $$pkg $$fn ($(FUZZTIME))"; \
		GO="$(GO)" bash scripts/fuzz-one.sh "$$pkg" "$$fn" "$(FUZZTIME)" || exit 1; \
	done

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

bench-compare:
	@if [ -d bench ]; then \
		$(MAKE) -C bench compare; \
	else \
		echo "bench-compare: bench/ is not yet available"; \
	fi

cover:
	$(GO) test -count=1 -coverprofile=$(COVERPROFILE) ./...
	@$(GO) tool cover -func=$(COVERPROFILE) | tail -n 1

demo:
	$(GO) run ./cmd/httpc demo

interop:
	@if [ -f scripts/interop.sh ]; then \
		bash scripts/interop.sh; \
	else \
		echo "interop: scripts/interop.sh is not yet available"; \
	fi

check:
	bash scripts/check.sh
