# errorcatalog: build the otelcol-errorcatalog distribution, run it, test it.
#
#   make run     build if needed, start the collector on testdata/otelcol/run.yaml
#   make demo    (second terminal) send spans, logs and metrics with vendor codes
#   make test    everything CI runs
#
# `make help` lists every target.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO ?= go

# Pinned tool versions. ocb's version must match the collector core modules in
# builder-config.yaml (v0.165.0 / stable v1.71.0).
OCB_VERSION          ?= v0.165.0
TELEMETRYGEN_VERSION ?= v0.161.0

# Tools install into ./bin, the distribution into ./_build (both git-ignored).
# The version is in the file name so that bumping it reinstalls.
TOOLS_BIN    := $(CURDIR)/bin
OCB          := $(TOOLS_BIN)/ocb-$(OCB_VERSION)
TELEMETRYGEN := $(TOOLS_BIN)/telemetrygen-$(TELEMETRYGEN_VERSION)
CLI          := $(TOOLS_BIN)/errorcatalog

DIST_NAME := otelcol-errorcatalog
DIST_BIN  := $(CURDIR)/_build/$(DIST_NAME)
RUN_CONFIG ?= testdata/otelcol/run.yaml
DEMO_ENDPOINT ?= localhost:4317

# Everything compiled into the distribution: the root module's non-test Go
# files and the embedded built-in catalogs. The e2e module is not part of it.
DIST_SOURCES := builder-config.yaml go.mod go.sum \
	$(shell find . -name '*.go' ! -name '*_test.go' ! -path './cmd/*' \
		! -path './e2e/*' ! -path './_build/*' ! -path './bin/*' ! -path '*/testdata/*') \
	$(wildcard catalog/builtin/*.yaml)

# Flags for the root module's unit tests (CI: -race).
UNIT_FLAGS ?= -race -count=1
# Flags for the end-to-end suite.
E2E_FLAGS ?= -count=1 -timeout 15m

# Extra checks `make test` runs after the unit tests and before the CLI and
# end-to-end checks. Other makefile sections append to it, for example:
#   TEST_EXTRA += promtool-test fuzz-short
TEST_EXTRA ?=
# Extra prerequisites of the end-to-end suite (targets that install what a
# test needs) and VAR=value pairs passed to it, for example:
#   E2E_DEPS += prometheus
#   E2E_ENV  += ERRORCATALOG_PROMETHEUS=/usr/bin/prometheus
E2E_DEPS ?= prometheus
E2E_ENV  ?=

# Debian's prometheus package: the server the alerting e2e test runs and
# promtool. Installed with apt-get when missing (root, or through sudo).
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

##@ Getting started

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*##"} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z0-9_.-]+:.*##/ {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: $(DIST_BIN) ## Build if needed and start the collector on testdata/otelcol/run.yaml (OTLP on 127.0.0.1:4317/4318).
	exec $(DIST_BIN) --config $(RUN_CONFIG)

.PHONY: demo
demo: ## Send realistic spans, logs and metrics with codes of every vendor to a running collector (DEMO_ENDPOINT=localhost:4317).
	cd e2e && $(GO) run ./cmd/demo -endpoint $(DEMO_ENDPOINT)

##@ Building

.PHONY: tools
tools: $(OCB) $(TELEMETRYGEN) ## Install ocb and telemetrygen (pinned) into ./bin.

$(OCB):
	@mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)
	mv $(TOOLS_BIN)/builder $@

$(TELEMETRYGEN):
	@mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@$(TELEMETRYGEN_VERSION)
	mv $(TOOLS_BIN)/telemetrygen $@

.PHONY: prometheus
prometheus: ## Install Prometheus and promtool (Debian's package) if they are missing.
	@if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends prometheus >/dev/null; \
	fi
	@prometheus --version 2>&1 | head -1

.PHONY: build
build: $(DIST_BIN) ## Build the distribution into _build/otelcol-errorcatalog (only when its sources changed).

# ocb regenerates _build/, resolves modules and compiles; the replace in
# builder-config.yaml points it at this checkout.
$(DIST_BIN): $(DIST_SOURCES) | $(OCB)
	$(OCB) --config builder-config.yaml
	@touch $@

.PHONY: validate
validate: $(DIST_BIN) ## Check the shipped collector configurations with `otelcol-errorcatalog validate`.
	$(DIST_BIN) validate --config $(RUN_CONFIG)
	$(DIST_BIN) validate --config testdata/otelcol/full.yaml

.PHONY: clean
clean: ## Remove ./_build and ./bin.
	rm -rf _build bin

##@ Dashboards, alerts and deployment

PROM_RULES      := deploy/prometheus/errorcatalog-rules.yaml
PROM_RULE_TESTS := deploy/prometheus/errorcatalog-rules.test.yaml

.PHONY: promtool-test
promtool-test: prometheus ## Check the Prometheus alert rules and run their unit tests with promtool.
	promtool check rules $(PROM_RULES)
	promtool test rules $(PROM_RULE_TESTS)

TEST_EXTRA += promtool-test

##@ Reliability

# Every fuzz target, as package:target. The seed corpora are committed under
# <package>/testdata/fuzz/<target>/; a failing input the fuzzer finds is
# written there too, and stays as a regression case once fixed.
FUZZ_TARGETS := \
	./catalog:FuzzParse \
	./catalog:FuzzStringCode \
	./catalog:FuzzHostOf \
	./processor:FuzzCodeOf \
	./processor:FuzzVendorResolution \
	./processor:FuzzProcess \
	./processor:FuzzPayload \
	./processor:FuzzTokenize \
	./processor:FuzzProbes \
	./internal/jsonscan:FuzzScan \
	./cmd/errorcatalog:FuzzImportCSV \
	./cmd/errorcatalog/internal/draft:FuzzDraft
# Targets under these directories are in modules of their own, and are run
# from there.
FUZZ_MODULES := cmd/errorcatalog
# How long `make fuzz-short` (CI) and `make fuzz` run each target. CI's
# budget is a count of executions, not a duration: Go 1.26's fuzzing
# coordinator can report a spurious "context deadline exceeded" failure when
# a -fuzztime duration ends under CPU contention (go.dev/issue/75804, fixed
# in Go 1.27); a count has no deadline to race. 50,000 executions take
# 3 to 10 seconds per target here.
FUZZ_SHORT_TIME ?= 50000x
FUZZ_TIME       ?= 10m
# One worker: the targets run one after another on a shared machine.
FUZZ_FLAGS      ?= -parallel 1 -timeout 30m

.PHONY: fuzz-short
fuzz-short: ## Run every fuzz target for FUZZ_SHORT_TIME (50,000 executions) each, as CI does.
	@$(MAKE) --no-print-directory fuzz-run FUZZ_RUN_TIME=$(FUZZ_SHORT_TIME)

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZ_TIME (10m) each, one after another.
	@$(MAKE) --no-print-directory fuzz-run FUZZ_RUN_TIME=$(FUZZ_TIME)

.PHONY: fuzz-run
fuzz-run:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; mod=.; \
		echo "fuzz: $$name in $$pkg for $(FUZZ_RUN_TIME)"; \
		for m in $(FUZZ_MODULES); do \
			case $$pkg in ./$$m|./$$m/*) mod=$$m; pkg=.$${pkg#./$$m};; esac; \
		done; \
		$(GO) -C $$mod test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZ_RUN_TIME) $(FUZZ_FLAGS) $$pkg; \
	done

.PHONY: e2e-load
e2e-load: $(DIST_BIN) $(TELEMETRYGEN) ## No-loss load run only (E2E_NOLOSS_SPANS, E2E_NOLOSS_LOGS; 200000 each by default).
	cd e2e && ERRORCATALOG_OTELCOL=$(DIST_BIN) ERRORCATALOG_TELEMETRYGEN=$(TELEMETRYGEN) \
		$(GO) test -count=1 -timeout 30m -run '^TestNoLossUnderLoad$$' -v ./...

# CI runs the short fuzz pass with `make test`. Prerequisites are expanded
# when a rule is read, so this line must come before the `test:` rule (next
# to `TEST_EXTRA ?=`), not after it.
TEST_EXTRA += fuzz-short

##@ Linting

GOLANGCI_LINT_VERSION ?= v2.15.0
GOLANGCI_LINT := $(TOOLS_BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)

$(GOLANGCI_LINT):
	@mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv $(TOOLS_BIN)/golangci-lint $@

.PHONY: lint
lint: $(GOLANGCI_LINT) ## golangci-lint (v2, pinned; .golangci.yml) on the root, e2e and CLI modules.
	$(GOLANGCI_LINT) run ./...
	cd e2e && $(GOLANGCI_LINT) run --config ../.golangci.yml ./...
	cd cmd/errorcatalog && $(GOLANGCI_LINT) run --config ../../.golangci.yml ./...

TEST_EXTRA += lint

##@ Benchmarks

# benchstat, pinned. golang.org/x/perf publishes no release tags; this is
# the pseudo-version the module proxy resolves.
BENCHSTAT_VERSION ?= v0.0.0-20260908200009-22c9c6c9d4da
BENCHSTAT := $(TOOLS_BIN)/benchstat-$(BENCHSTAT_VERSION)

# make bench: BENCH_COUNT passes of the processor benchmarks, each pass
# running every selected benchmark once (-count 1), so that the samples of
# one benchmark are spread over the whole run and a change in the machine's
# load falls on all benchmarks alike; benchstat reports the medians.
#   BENCH_MATRIX=full  every combination of signal, batch size, share of
#                      records with a code, code type and vendor resolution
#                      (about 35 minutes at the default count)
#   BENCH=regexp       the benchmarks to run (go test -bench)
BENCH_COUNT  ?= 10
BENCH_TIME   ?= 50ms
BENCH        ?= NoCode|Floor|CatalogSize|Matrix|ProtoPooling
BENCH_MATRIX ?=
# Results: the raw `go test -bench` output, for benchstat comparisons of two
# runs (benchstat old.out new.out). *.out and *.test are git-ignored.
BENCH_DIR    ?= $(CURDIR)/_bench
# make bench-e2e: runs of the end-to-end throughput benchmark (each one
# alternates the two pipelines E2E_BENCH_REPS times itself).
E2E_BENCH_COUNT ?= 1

$(BENCHSTAT):
	@mkdir -p $(TOOLS_BIN)
	GOBIN=$(TOOLS_BIN) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)
	mv $(TOOLS_BIN)/benchstat $@

.PHONY: bench
bench: $(BENCHSTAT) ## Processor benchmarks, BENCH_COUNT interleaved passes, printed as benchstat tables (BENCH_MATRIX=full: every combination).
	@mkdir -p $(BENCH_DIR)
	$(GO) test -c -o $(BENCH_DIR)/processor.test ./processor
	@rm -f $(BENCH_DIR)/processor.out
	@for i in $$(seq $(BENCH_COUNT)); do \
		echo "bench: pass $$i of $(BENCH_COUNT)" >&2; \
		(cd processor && BENCH_MATRIX=$(BENCH_MATRIX) $(BENCH_DIR)/processor.test -test.run '^$$' \
			-test.bench '$(BENCH)' -test.benchtime $(BENCH_TIME) -test.count 1) >> $(BENCH_DIR)/processor.out \
			|| exit 1; \
	done
	$(BENCH_REPORT)

.PHONY: bench-report
bench-report: $(BENCHSTAT) ## Print the benchstat tables of the last `make bench` (_bench/processor.out).
	$(BENCH_REPORT)

# The tables `make bench` prints, one per question the benchmarks answer.
define BENCH_REPORT
	@echo "== Records without a code: errorcatalog against plain iteration, per record (target: overhead <= 15 ns, 0 allocs)"
	@$(BENCHSTAT) -filter '.name:NoCode .unit:(overhead-ns/record OR overhead-cpu-ns/record OR plain-ns/record OR errorcatalog-ns/record OR errorcatalog-allocs/record)' $(BENCH_DIR)/processor.out | $(BENCH_TRIM)
	@echo "== Records with a known code: errorcatalog against the hand-written floor (target: ratio <= 1.3; extra allocs 0)"
	@$(BENCHSTAT) -filter '.name:Floor .unit:(ratio OR cpu-ratio OR floor-ns/record OR errorcatalog-ns/record OR floor-allocs/record OR errorcatalog-allocs/record OR extra-allocs/record)' $(BENCH_DIR)/processor.out | $(BENCH_TRIM)
	@echo "== Catalog size: 100,000 entries against 460 (target: ratio within 0.9..1.1)"
	@$(BENCHSTAT) -filter '.name:CatalogSize .unit:(100k-wide/460 OR 100k-deep/460 OR 100k-wide/460-cpu OR 100k-deep/460-cpu OR 460-ns/record)' $(BENCH_DIR)/processor.out | $(BENCH_TRIM)
	@echo "== Every signal and context"
	@$(BENCHSTAT) -filter '.name:Matrix .unit:(ns/record OR cpu-ns/record OR allocs/record)' $(BENCH_DIR)/processor.out | $(BENCH_TRIM)
	@echo "== pdata.useProtoPooling (alpha feature gate) off and on"
	@$(BENCHSTAT) -filter '.name:ProtoPooling .unit:(cpu-ratio OR floor-cpu-ns/record OR errorcatalog-cpu-ns/record OR floor-allocs/record OR errorcatalog-allocs/record)' $(BENCH_DIR)/processor.out | $(BENCH_TRIM)
endef

# Drops benchstat's per-table header (goos, pkg, cpu), printed once above.
BENCH_TRIM := grep -v -E '^(goos|goarch|pkg|cpu):'

.PHONY: bench-e2e
bench-e2e: $(DIST_BIN) $(TELEMETRYGEN) $(BENCHSTAT) ## End-to-end throughput with and without errorcatalog: telemetrygen over OTLP on loopback (several minutes).
	@mkdir -p $(BENCH_DIR)
	cd e2e && ERRORCATALOG_OTELCOL=$(DIST_BIN) ERRORCATALOG_TELEMETRYGEN=$(TELEMETRYGEN) \
		$(GO) test -run '^$$' -bench '^BenchmarkThroughput$$' -benchtime 1x -count $(E2E_BENCH_COUNT) \
		-timeout 60m -v . | tee $(BENCH_DIR)/e2e.out
	@$(BENCHSTAT) $(BENCH_DIR)/e2e.out | $(BENCH_TRIM)

##@ Node.js client (e2e)

# e2e/node: a Node.js service that logs vendor error responses with pino,
# sent to the OpenTelemetry JS Logs SDK by @opentelemetry/instrumentation-pino
# and exported over OTLP/HTTP; e2e/node_test.go runs it. Node.js and npm are
# Debian's packages, installed with apt-get when missing (root, or through
# sudo); the service's packages are the ones pinned in
# e2e/node/package-lock.json, installed with `npm ci` when the lockfile is
# newer than what node_modules holds.
NODE_SERVICE := $(CURDIR)/e2e/node
NODE_MODULES := $(NODE_SERVICE)/node_modules/.package-lock.json

.PHONY: node
node: node-runtime $(NODE_MODULES) ## Install Node.js and npm (Debian's packages) if missing, and e2e/node's pinned packages (npm ci).

.PHONY: node-runtime
node-runtime:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; \
	fi
	@echo "node $$(node --version), npm $$(npm --version)"

$(NODE_MODULES): $(NODE_SERVICE)/package.json $(NODE_SERVICE)/package-lock.json | node-runtime
	cd $(NODE_SERVICE) && npm ci --no-audit --no-fund
	@touch $@

# Before the `e2e:` rule, which reads them (see E2E_DEPS above).
E2E_DEPS += node
E2E_ENV  += ERRORCATALOG_NODE_SERVICE=$(NODE_SERVICE)

##@ Testing

.PHONY: test
test: vet unit $(TEST_EXTRA) cli e2e ## Everything CI runs: vet, unit tests with -race, extra checks, the CLI, the end-to-end suite.

.PHONY: vet
vet: ## go vet both modules.
	$(GO) vet ./...
	cd e2e && $(GO) vet ./...

.PHONY: unit
unit: ## Unit tests of the root module, with the race detector.
	$(GO) test $(UNIT_FLAGS) ./...

.PHONY: cli
cli: ## Test the errorcatalog CLI (its own module, cmd/errorcatalog) and smoke-test it on the built-in and shipped catalogs.
	cd cmd/errorcatalog && $(GO) vet ./... && $(GO) test $(UNIT_FLAGS) ./...
	cd cmd/errorcatalog && $(GO) build -o $(CLI) .
	$(CLI) lint testdata/otelcol/catalogs/acme.yaml testdata/otelcol/catalogs/zingle-override.yaml
	@if $(CLI) lint testdata/otelcol/invalid/bad-category-catalog.yaml; then \
		echo "cli: lint accepted testdata/otelcol/invalid/bad-category-catalog.yaml" >&2; exit 1; fi
	$(CLI) lookup 2601 > /dev/null
	$(CLI) lookup --catalog testdata/otelcol/catalogs/acme.yaml 404 | grep -q acme_billing
	$(CLI) export --format json > /dev/null
	$(CLI) export --format csv > /dev/null
	$(CLI) export --vendor http --format csv | grep '^http,429,Too Many Requests,rate_limit,RESOURCE_EXHAUSTED,' > /dev/null
	$(CLI) export --format markdown | diff -u catalog/CATALOG.md - \
		|| { echo "cli: catalog/CATALOG.md is stale; regenerate it with: go -C cmd/errorcatalog run . export --format markdown > catalog/CATALOG.md" >&2; exit 1; }
	@# How good the drafts are, per document (README: Add your vendor in ten minutes).
	@cd cmd/errorcatalog && $(GO) test -count=1 -run '^TestAgreement$$' -v ./internal/draft | sed -n 's/^ *draft_test.go:[0-9]*: \(.* codes,.*\)/cli: draft agreement: \1/p'
	@# The README's walk-through: draft a vendor's document, lint it, diff it.
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
		$(CLI) draft --vendor cometchat_docs -o "$$d/draft.yaml" catalog/testdata/seeds/002_d7f654f51c4a9df1.txt 2> "$$d/summary" && \
		grep -q '^draft: 116 codes found' "$$d/summary" && \
		$(CLI) lint "$$d/draft.yaml" > /dev/null && \
		$(CLI) export --format csv --vendor zingle > "$$d/zingle.csv" && \
		$(CLI) import --format csv --builtin=false -o "$$d/zingle.yaml" "$$d/zingle.csv" && \
		{ $(CLI) diff "$$d/zingle.yaml" > "$$d/diff"; test $$? -eq 1; } && \
		grep -q '^vendor: 5 fields changed' "$$d/diff" && ! grep -q 'entr' "$$d/diff" && \
		echo "cli: draft, lint, import (the entries round-trip) and diff ok"

.PHONY: e2e
e2e: $(DIST_BIN) $(TELEMETRYGEN) $(E2E_DEPS) ## End-to-end suite against the built distribution.
	cd e2e && ERRORCATALOG_OTELCOL=$(DIST_BIN) ERRORCATALOG_TELEMETRYGEN=$(TELEMETRYGEN) $(E2E_ENV) \
		$(GO) test $(E2E_FLAGS) ./...
