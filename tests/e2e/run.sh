#!/usr/bin/env bash
# End-to-end tests of the real app: Xvfb, a private D-Bus session with an unlocked GNOME Keyring,
# a throwaway HOME, zenoti-sandbox on loopback, and tauri-driver + WebKitWebDriver.
# Screenshots and logs go to target/e2e/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export APP=${APP:-$root/target/debug/frontdesk}
export SANDBOX_BIN=${SANDBOX_BIN:-$root/target/debug/zenoti-sandbox}
export E2E_OUT=${E2E_OUT:-$root/target/e2e}
rm -rf "$E2E_OUT" && mkdir -p "$E2E_OUT"

work=$(mktemp -d)
export HOME=$work/home XDG_RUNTIME_DIR=$work/run
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_CACHE_HOME=$HOME/.cache
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"

# A free X display.
n=90
while [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ]; do n=$((n + 1)); done
Xvfb :$n -screen 0 1280x800x24 -nolisten tcp >"$E2E_OUT/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export DISPLAY=:$n
for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done

dbus-run-session -- bash "$root/tests/e2e/in-session.sh"

# Two desks on one hub (each desk in its own D-Bus session, on this display); not when another
# script (the update test) was asked for.
if [ -z "${E2E_SCRIPT:-}" ]; then
  export E2E_API_KEY="e2e-key-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  bash "$root/tests/e2e/desks.sh"
fi
