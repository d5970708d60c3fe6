#!/usr/bin/env bash
# The auto-update, end to end, on a throwaway machine (CI): builds version N and a signed N+1 as
# .deb packages (debug builds) with a key pair made for this run, installs N with apt-get, and
# runs tests/e2e/update.test.mjs against the installed app: it refuses an unreachable server, a
# manifest without our platform, a downgrade, N+1 announced with N's signed package, and a
# tampered package, then updates itself to N+1
# and relaunches. Only with FRONTDESK_INSTALL_TEST=1, as root or with passwordless sudo: it
# installs and removes the package system-wide. The log is kept in target/e2e-update/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ "${FRONTDESK_INSTALL_TEST:-}" != 1 ]; then
  echo "update test: skipped (it installs a package system-wide; CI sets FRONTDESK_INSTALL_TEST=1)"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else
  echo "update test: needs root or passwordless sudo" >&2; exit 1
fi
if [ "$(dpkg-query -W -f '${Status}' front-desk 2>/dev/null)" = "install ok installed" ]; then
  echo "update test: front-desk is already installed here; remove it first" >&2; exit 1
fi

out=$root/target/e2e-update
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
mkdir -p "$work/serve"
cleanup() {
  pkill -x frontdesk 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq front-desk >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
next=$(awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }' <<<"$version")
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')

# A key pair for this run only; the private key never leaves $work.
npx --no-install tauri signer generate --ci -p "" -w "$work/update.key" >/dev/null
# Both builds trust this key and look for updates on loopback over plain http, which the
# shipped configuration does not allow.
overlay() { # VERSION UPDATER_ARTIFACTS
  node -e '
    const [pubkey, port, version, artifacts] = process.argv.slice(1);
    console.log(JSON.stringify({
      version,
      bundle: { createUpdaterArtifacts: artifacts === "true" },
      plugins: { updater: {
        pubkey, endpoints: [`http://127.0.0.1:${port}/latest.json`], dangerousInsecureTransportProtocol: true,
      } },
    }));' "$(cat "$work/update.key.pub")" "$port" "$1" "$2"
}
overlay "$version" true >"$work/n.json"
overlay "$next" true >"$work/next.json"

bundle_dir=target/debug/bundle/deb
echo "update test: building $version"
rm -rf "$bundle_dir"
# N is signed too: served later under N+1's announcement, it is an older signed package.
TAURI_SIGNING_PRIVATE_KEY=$(cat "$work/update.key") TAURI_SIGNING_PRIVATE_KEY_PASSWORD="" \
  npx --no-install tauri build --debug --bundles deb --config "$work/n.json" >"$out/build-n.log" 2>&1 ||
  { tail -30 "$out/build-n.log"; exit 1; }
cp "$bundle_dir/Front Desk_${version}_amd64.deb" "$work/frontdesk_${version}_amd64.deb"
cp "$bundle_dir/Front Desk_${version}_amd64.deb" "$work/serve/frontdesk_${version}_amd64.deb"
cp "$bundle_dir/Front Desk_${version}_amd64.deb.sig" "$work/serve/frontdesk_${version}_amd64.deb.sig"
echo "update test: building $next, signed"
rm -rf "$bundle_dir"
TAURI_SIGNING_PRIVATE_KEY=$(cat "$work/update.key") TAURI_SIGNING_PRIVATE_KEY_PASSWORD="" \
  npx --no-install tauri build --debug --bundles deb --config "$work/next.json" >"$out/build-next.log" 2>&1 ||
  { tail -30 "$out/build-next.log"; exit 1; }
cp "$bundle_dir/Front Desk_${next}_amd64.deb" "$work/serve/frontdesk_${next}_amd64.deb"
cp "$bundle_dir/Front Desk_${next}_amd64.deb.sig" "$work/serve/frontdesk_${next}_amd64.deb.sig"
rm -rf "$bundle_dir"

DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$work/frontdesk_${version}_amd64.deb" >/dev/null
[ "$(dpkg-query -W -f '${Version}' front-desk)" = "$version" ]

# The updater installs a .deb through pkexec, the desktop's password prompt. Here a stand-in
# plays the IT person who approves it: it records the request and runs it.
mkdir -p "$work/bin"
cat >"$work/bin/pkexec" <<EOF
#!/bin/sh
echo "pkexec \$*" >>"$out/pkexec.log"
exec $sudo "\$@"
EOF
chmod +x "$work/bin/pkexec"

export PATH=$work/bin:$PATH APP=/usr/bin/frontdesk E2E_OUT=$out/app PKEXEC_LOG=$out/pkexec.log
export UPDATE_PORT=$port UPDATE_DIR=$work/serve UPDATE_FROM=$version UPDATE_TO=$next
export E2E_SCRIPT="--test --test-reporter=spec --test-reporter-destination=stdout $root/tests/e2e/update.test.mjs"
tests/e2e/run.sh 2>&1 | tee "$out/update-test.log"

installed=$(dpkg-query -W -f '${Version}' front-desk)
[ "$installed" = "$next" ] || { echo "update test: $installed installed, expected $next" >&2; exit 1; }
echo "update test: $version updated itself to $next (log: target/e2e-update/update-test.log)"
