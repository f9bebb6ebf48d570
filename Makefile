# The two commands: `make run` (the product on its embedded default) and `make test`.
# Both do their own setup (ops/setup, ops/devdb), so they work on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CACHE        ?= $(or $(MIRUBATO_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mirubato)
BIN          := bin/mirubato
GOLANGCI     := $(CACHE)/bin/golangci-lint
GOLANGCI_VER := v2.15.0
# Test packages run two at a time: the machine has two cores.
TEST_FLAGS   ?= -race -count=1 -p 2 -timeout 15m

.PHONY: help
help:
	@echo "make run    run api + worker on the local default (database, AI, blobs)"
	@echo "make test   run the whole test suite against a local PostgreSQL with pgvector"
	@echo "make lint   gofmt, go vet and golangci-lint"
	@echo "make vulncheck  govulncheck against a vulnerability database built here (ops/vulncheck)"
	@echo "make build  build bin/mirubato (with the web client: make web)"
	@echo "make web    build the web client into web/dist (npm ci, Vite; prints the JavaScript budget)"
	@echo "make bench-queue  job throughput: our worker stack against bare River"
	@echo "make bench-api    GET /api/logbook/entries latency at 1,000 req/s against a bare Fiber handler"
	@echo "make bench-split  score splitting against qpdf and MuPDF, and upload-to-ready time"
	@echo "make bench-search semantic search: HNSW against an exact scan, recall@10 (100,000 vectors)"
	@echo "make bench-sync   push-to-other-device latency, 1,000 sockets on 2 api processes, against a WebSocket echo"
	@echo "make bench-imslp  IMSLP import: 10,000 works with no limit (works/s, peak RSS) against the client alone; 3 workers at 5 requests/s"
	@echo "make bench-rollup analytics: full rollup of 1,000,000 entries, incremental latency, summaries against on-the-fly SQL"
	@echo "make bench-burst  1,000 concurrent writes of one user (one rate-limit counter) against the same spread over 1,000 users"
	@echo "make bench-bodies API memory under 16 concurrent 50 MB bodies to JSON routes and the upload route, against a Fiber app that reads bodies whole"
	@echo "make cluster      1 api + 3 workers against one database (Procfile-style)"
	@echo "make test-corpus  score every metadata field end to end on the scores corpus (engraved, real, scanned); CORPUS_SETS, CORPUS_LIMIT"

.PHONY: setup
setup:
	@ops/setup

# The web client (web/): built into web/dist, which the Go binary embeds. Rebuilt when a
# source file is newer than the last build.
WEB_SOURCES := $(shell find web/src web/public web/index.html web/vite.config.ts web/tsconfig.json web/package-lock.json web/scripts web/sw.template.js -type f 2>/dev/null)

.PHONY: web
web: setup web/dist/index.html

# A failed build leaves no index.html behind, so the next make builds again.
web/dist/index.html: $(WEB_SOURCES) | setup
	cd web && npm run --silent build || { rm -f dist/index.html; exit 1; }

.PHONY: build
build: web
	go build -trimpath -o $(BIN) .

.PHONY: run
run: setup build
	@url=$$(ops/devdb start | tail -n1); \
	MIRUBATO_ENV=development DATABASE_URL="$$url" exec $(BIN) dev

.PHONY: test
# The upload validation is fuzzed briefly on every run (seeded from its malformed corpus).
FUZZ_TIME ?= 10s

test: setup web
	@cd web && npm run --silent test
	@if [ -z "$${TEST_DATABASE_URL:-}" ]; then \
	  url=$$(ops/devdb start | tail -n1); \
	  if [ -n "$${DATABASE_URL:-}" ]; then TEST_DATABASE_URL="$$url"; \
	  else TEST_DATABASE_URL=$$(echo "$$url" | sed -E 's#/([^/?]+)(\?|$$)#/\1_test\2#'); fi; \
	fi; \
	go vet ./... && \
	TEST_DATABASE_URL="$$TEST_DATABASE_URL" go test $(TEST_FLAGS) ./... && \
	go test -run '^$$' -fuzz FuzzOpen -fuzztime $(FUZZ_TIME) ./internal/pdf

.PHONY: lint
lint: setup $(GOLANGCI)
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-ed:"; gofmt -l .; exit 1; }
	go vet ./...
	$(GOLANGCI) run ./...

.PHONY: vulncheck
vulncheck: setup
	@ops/vulncheck

$(GOLANGCI):
	GOBIN=$(CACHE)/bin go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VER)

.PHONY: bench-queue
bench-queue: setup
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/queue

.PHONY: bench-api
bench-api: setup build
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/api -bin $(BIN)

.PHONY: bench-split
bench-split: setup
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/split

.PHONY: bench-search
bench-search: setup
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/search

.PHONY: bench-rollup
bench-rollup: setup
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/rollup -users $(or $(USERS),1000) -per-user $(or $(PER_USER),1000)

.PHONY: bench-imslp
bench-imslp: setup build
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/imslp -bin $(BIN) -works $(or $(WORKS),10000)

.PHONY: bench-sync
bench-sync: setup build
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/sync -bin $(BIN)

.PHONY: bench-burst
bench-burst: setup build
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/burst -bin $(BIN) -n $(or $(N),1000)
.PHONY: bench-bodies
bench-bodies: setup build
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/bench/bodies -bin $(BIN)

.PHONY: cluster
cluster: setup build
	@ops/cluster

# The scores corpus (ops/corpus/scores): LilyPond scores, Debian's real engraved scores and
# scanned versions, built into CORPUS_DIR when its sources change (a file at a time), then
# measured end to end through the product (ops/eval/scores). CORPUS_SETS=engraved,real and
# CORPUS_LIMIT=20 (files per set) shorten a run; only a complete run rewrites the table in
# docs/scores.md.
CORPUS_DIR     ?= .cache/corpus
CORPUS_SOURCES := $(wildcard ops/corpus/scores/*)

.PHONY: setup-corpus corpus test-corpus
setup-corpus:
	@ops/setup corpus

corpus: $(CORPUS_DIR)/truth.json

$(CORPUS_DIR)/truth.json: $(CORPUS_SOURCES) | setup-corpus
	go run ./ops/corpus/scores -out $(CORPUS_DIR)

test-corpus: setup-corpus $(CORPUS_DIR)/truth.json
	@url=$$(ops/devdb start | tail -n1); DATABASE_URL="$$url" go run ./ops/eval/scores -corpus $(CORPUS_DIR) -docs docs/scores.md

.PHONY: clean
clean:
	rm -rf bin
