# Front Desk: `make run` opens the app, `make test` runs every test layer.
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps ui build bindings check-bindings lint test-rust test-ui test-e2e test-dist dist bench clean

run: deps ui
	$(CARGO) run -p frontdesk

test: deps ui check-bindings lint test-rust build test-ui test-e2e test-dist
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

# Installers: release .deb and .rpm in dist/ (AppImage needs a tool from the internet; see README).
# With TAURI_SIGNING_PRIVATE_KEY (and _PASSWORD) set, also the signed update artifacts (.sig).
dist: deps ui
	npx tauri build --bundles deb,rpm $(if $(TAURI_SIGNING_PRIVATE_KEY),--config '{"bundle":{"createUpdaterArtifacts":true}}')
	@scripts/collect-bundles.sh target/release/bundle dist

# The same bundles from a debug build (quicker), checked; installed and removed when
# FRONTDESK_INSTALL_TEST=1 (CI's throwaway machine).
test-dist: deps ui
	npx tauri build --debug --bundles deb,rpm
	@scripts/collect-bundles.sh target/debug/bundle target/dist-check
	tests/dist/check-bundles.sh target/dist-check

bench: deps ui
	$(CARGO) bench -p zenoti --bench catalog
	$(CARGO) bench -p frontdesk --bench redeem
	node tests/bench/search.mjs

clean:
	$(CARGO) clean
	rm -rf ui/dist node_modules
