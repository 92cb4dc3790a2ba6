# Targets mirror .ci/run. `make test` is the test command of the README and CI.
SHELL := /bin/bash

BINARY  := solana-mcp-server
PKG     := github.com/solana-mcp/solana-mcp-server
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w \
	-X $(PKG)/internal/buildinfo.Version=$(VERSION) \
	-X $(PKG)/internal/buildinfo.Commit=$(COMMIT) \
	-X $(PKG)/internal/buildinfo.Date=$(DATE)

.PHONY: all build run test test-unit test-deploy lint fmt vet tidy-check fuzz bench clean

all: lint test build

## build: static binary in bin/
build:
	@echo "==> build"
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o bin/$(BINARY) ./cmd/$(BINARY)

## run: serve on :8080 against Solana mainnet-beta (override with SOLANA_RPC_URL=...)
run:
	go run -ldflags '$(LDFLAGS)' ./cmd/$(BINARY) serve

## test: every test: unit, end-to-end through the binary, deployment checks, cluster proof
test: test-unit test-deploy

test-unit:
	@echo "==> go test (race) ./..."
	go test -race -count=1 -timeout 10m ./...

test-deploy:
	@echo "==> go test test/deploy (deployment files, nginx, Prometheus, loopback cluster)"
	cd test/deploy && go test -count=1 -timeout 10m ./...

## lint: formatting, vet, and module tidiness
lint: fmt vet tidy-check

fmt:
	@echo "==> gofmt"
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@echo "==> go vet"
	go vet ./...
	cd test/deploy && go vet ./...

tidy-check:
	@echo "==> go mod tidy check (both modules)"
	@for d in . test/deploy; do \
		( cd $$d && cp go.mod go.mod.bak && cp go.sum go.sum.bak && go mod tidy && \
		  cmp -s go.mod go.mod.bak && cmp -s go.sum go.sum.bak; ok=$$?; \
		  mv go.mod.bak go.mod; mv go.sum.bak go.sum; \
		  [ $$ok -eq 0 ] || { echo "$$d: go.mod/go.sum not tidy"; exit 1; } ) || exit 1; \
	done

## fuzz: run the argument-checking fuzzer for a minute
fuzz:
	go test -run='^$$' -fuzz=FuzzPrepare -fuzztime=60s ./internal/tools/

## bench: benchmarks of the hot path
bench:
	go test -run='^$$' -bench=. -benchmem ./internal/...

clean:
	rm -rf bin/
