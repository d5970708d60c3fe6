#!/usr/bin/env bash
# `make hub`: one hub on 127.0.0.1:8443 (SQLite in target/dev-hub) in front of the sandbox on
# 127.0.0.1:8787, which delivers its webhooks to the hub. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/debug
dir=target/dev-hub
mkdir -p "$dir"
export FRONTDESK_HUB_DATABASE="sqlite://$PWD/$dir/hub.db"
hub_url=http://127.0.0.1:8443

"$bin/frontdesk-hub" serve --listen 127.0.0.1:8443 --zenoti http://127.0.0.1:8787 2>"$dir/hub.log" &
hub_pid=$!
trap 'kill $hub_pid ${sandbox_pid:-} 2>/dev/null || true' EXIT INT TERM
until curl -sf "$hub_url/healthz" >/dev/null; do
  kill -0 "$hub_pid" 2>/dev/null || { cat "$dir/hub.log" >&2; exit 1; }
  sleep 0.2
done
webhook=$("$bin/frontdesk-hub" webhook-url --public-url "$hub_url")
"$bin/zenoti-sandbox" --port 8787 --webhook "$webhook" >"$dir/sandbox.log" 2>&1 &
sandbox_pid=$!
name="Dev desk $(date +%H%M%S)"
echo "Hub:     $hub_url (log: $dir/hub.log, metrics: $hub_url/metrics)"
echo "Sandbox: http://127.0.0.1:8787 (API key demo-frontdesk-key), webhooks to the hub"
"$bin/frontdesk-hub" desks add "$name"
echo "Ctrl-C stops both."
wait "$hub_pid"
