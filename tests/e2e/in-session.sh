#!/usr/bin/env bash
# Runs inside the private D-Bus session started by run.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

eval "$(printf 'e2e-keyring-password' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

# Credentials made up for this run, so that the scan afterwards can look for them.
export E2E_API_KEY="e2e-key-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export E2E_PASSWORD="e2e-pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
"$SANDBOX_BIN" --port 0 --api-key "$E2E_API_KEY" --employee-password "$E2E_PASSWORD" >"$E2E_OUT/sandbox.log" 2>&1 &
sandbox=$!
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
port=$(free_port)
native_port=$(free_port)
export WEBDRIVER_URL=http://127.0.0.1:$port
tauri-driver --port "$port" --native-port "$native_port" --native-driver /usr/bin/WebKitWebDriver >"$E2E_OUT/driver.log" 2>&1 &
driver=$!
trap 'kill $sandbox $driver 2>/dev/null || true' EXIT

for _ in $(seq 100); do grep -q 'listening on' "$E2E_OUT/sandbox.log" && break; sleep 0.1; done
export SANDBOX_URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$E2E_OUT/sandbox.log")
for _ in $(seq 100); do curl -sf "$WEBDRIVER_URL/status" >/dev/null && break; sleep 0.1; done
[ -n "$SANDBOX_URL" ] || { echo "zenoti-sandbox did not start:"; cat "$E2E_OUT/sandbox.log"; exit 1; }

node ${E2E_SCRIPT:---test --test-concurrency=1 "$root/tests/e2e/app.test.mjs"}
