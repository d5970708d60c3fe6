# Front Desk: `make run` opens the app, `make test` runs every test layer.
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps ui build bindings check-bindings lint test-rust test-ui test-e2e bench clean

run: deps ui
	$(CARGO) run -p frontdesk

test: deps ui check-bindings lint test-rust build test-ui test-e2e
	@echo "All test layers passed."

deps:
	@scripts/setup.sh

ui:
	npm run --silent ui:build

build: ui
	$(CARGO) build -p frontdesk -p zenoti-sandbox

# TypeScript types are generated from the Rust types (ts-rs) and committed; drift fails.
bindings:
	rm -rf ui/src/bindings
	$(CARGO) test --workspace --quiet export_bindings >/dev/null

check-bindings: bindings
	@if [ -n "$$(git status --porcelain -- ui/src/bindings)" ]; then \
	  git status --short -- ui/src/bindings; \
	  echo "ui/src/bindings differs from the Rust types: run 'make bindings' and commit the result."; exit 1; \
	fi

lint:
	$(CARGO) fmt --all -- --check
	npm run --silent ui:check

test-rust:
	$(CARGO) test --workspace

test-ui: ui
	node --test --test-concurrency=1 tests/ui/

test-e2e: build
	tests/e2e/run.sh

bench: deps ui
	$(CARGO) bench -p zenoti --bench catalog
	$(CARGO) bench -p frontdesk --bench redeem
	node tests/bench/search.mjs

clean:
	$(CARGO) clean
	rm -rf ui/dist node_modules
