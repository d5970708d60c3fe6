#!/usr/bin/env bash
# One desk of the two-desk test, inside its own D-Bus session (started by desks.sh): its own
# HOME, unlocked GNOME Keyring and tauri-driver. Writes the driver's URL to $DESK_DIR/driver,
# waits for $DESK_DIR/done, then writes the hub token the app kept in its keychain to
# $DESK_DIR/hub-token (for the secret scan) and exits.
set -euo pipefail
export HOME=$DESK_DIR/home XDG_RUNTIME_DIR=$DESK_DIR/run
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_CACHE_HOME=$HOME/.cache
mkdir -p "$HOME" && mkdir -m 700 -p "$XDG_RUNTIME_DIR"
eval "$(printf 'e2e-keyring-password' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
port=$(free_port)
native_port=$(free_port)
tauri-driver --port "$port" --native-port "$native_port" --native-driver /usr/bin/WebKitWebDriver >"$DESK_DIR/driver.log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.1; done
echo "http://127.0.0.1:$port" >"$DESK_DIR/driver"
while [ ! -e "$DESK_DIR/done" ]; do sleep 0.2; done
secret-tool lookup service com.frontdesk.client username hub-desk-token >"$DESK_DIR/hub-token.part" 2>"$DESK_DIR/hub-token.err" || true
mv "$DESK_DIR/hub-token.part" "$DESK_DIR/hub-token"
