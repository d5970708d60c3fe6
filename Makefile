# Front Desk: `make run` opens the app, `make test` runs every test layer.
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps ui build bindings check-bindings lint test-rust test-ui test-e2e test-dist test-update dist bench clean hub

run: deps ui
	$(CARGO) run -p frontdesk

test: deps ui check-bindings lint test-rust build test-ui test-e2e test-dist test-update
	@echo "All test layers passed."

deps:
	@scripts/setup.sh

ui:
	npm run --silent ui:build

build: ui
	$(CARGO) build -p frontdesk -p zenoti-sandbox -p frontdesk-hub

# A hub on loopback for development: SQLite in target/dev-hub, the sandbox as Zenoti, delivering
# its webhooks to the hub; prints a desk's enrollment code.
hub:
	$(CARGO) build -p frontdesk-hub -p zenoti-sandbox
	scripts/dev-hub.sh

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
	actionlint && scripts/check-release-docs.mjs
	# Distribution packagers build without the updater: that build must keep compiling. Tauri's
	# build script rewrites src-tauri/gen/schemas for the features it sees; the committed ones are
	# the default build's, so they are put back.
	mkdir -p target && rm -rf target/gen-schemas && cp -r src-tauri/gen/schemas target/gen-schemas
	$(CARGO) build -p frontdesk --no-default-features --lib; s=$$?; \
	  rm -rf src-tauri/gen/schemas && mv target/gen-schemas src-tauri/gen/schemas; exit $$s
	npm run --silent ui:check

test-rust:
	$(CARGO) test --workspace
	# The benches build too (make bench runs them; nothing else would notice one that no longer does).
	$(CARGO) build --workspace --benches --profile dev

test-ui: ui
	npm run --silent test:unit
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

# The installed app updating itself to a signed next version (FRONTDESK_INSTALL_TEST=1 only:
# it installs a package system-wide).
test-update: build
	tests/e2e/update.sh

# Figures, never verdicts: the client, a redemption, the hub (a chain's busy hour with and without
# it, its cost per forwarded call, webhooks in and out to 100 desks), the UI's search (headless
# Chromium and the app's own WebKit webview), and the release app
# against an empty Tauri window (start-up, idle memory) with the .deb's size.
bench: dist
	$(CARGO) bench -p zenoti --bench catalog
	$(CARGO) bench -p frontdesk --bench redeem
	$(CARGO) bench -p frontdesk-hub --bench busy_hour
	$(CARGO) bench -p frontdesk-hub --bench hub_overhead
	$(CARGO) bench -p frontdesk-hub --bench webhook_ingest
	$(CARGO) build --release -p hello-window --features tauri/custom-protocol
	$(CARGO) build --release -p zenoti-sandbox
	node tests/bench/search.mjs
	APP=$(CURDIR)/target/release/frontdesk SANDBOX_BIN=$(CURDIR)/target/release/zenoti-sandbox \
	  E2E_OUT=$(CURDIR)/target/bench-search-webkit E2E_SCRIPT=$(CURDIR)/tests/bench/search-webkit.mjs tests/e2e/run.sh
	APP=$(CURDIR)/target/release/frontdesk HELLO=$(CURDIR)/target/release/hello-window \
	  SANDBOX_BIN=$(CURDIR)/target/release/zenoti-sandbox E2E_OUT=$(CURDIR)/target/bench-desktop \
	  DEB=$$(ls $(CURDIR)/dist/frontdesk_*_amd64.deb) E2E_SCRIPT=$(CURDIR)/tests/bench/desktop.mjs tests/e2e/run.sh

clean:
	$(CARGO) clean
	rm -rf ui/dist node_modules
