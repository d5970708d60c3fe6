#!/usr/bin/env bash
# Fails unless TAURI_SIGNING_PRIVATE_KEY (unlocked with TAURI_SIGNING_PRIVATE_KEY_PASSWORD) is the
# private half of the updater's public key in tauri.conf.json (default src-tauri/tauri.conf.json):
# every installed copy refuses an update signed with any other key. It signs a scratch file and
# compares the key id in the signature with the public key's. The release workflow runs it before
# building anything.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-src-tauri/tauri.conf.json}
: "${TAURI_SIGNING_PRIVATE_KEY:?is not set}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Front Desk update key check" >"$work/probe"
if ! npx --no-install tauri signer sign "$work/probe" </dev/null >"$work/sign.log" 2>&1; then
  cat "$work/sign.log" >&2
  echo "check-update-key: cannot sign with TAURI_SIGNING_PRIVATE_KEY: is it the key file's contents," \
    "and TAURI_SIGNING_PRIVATE_KEY_PASSWORD its password?" >&2
  exit 1
fi

node - "$work/probe.sig" "$config" <<'EOF'
const { readFileSync } = require('node:fs');
const [sigFile, configFile] = process.argv.slice(2);
// A Tauri key or signature is base64 of minisign's text, whose second line is base64 of two bytes
// of algorithm, then the key id (8 bytes, shown as a little-endian hex number), then the rest.
const keyId = (b64) => {
  const line = Buffer.from(b64.trim(), 'base64').toString('utf8').split('\n')[1] ?? '';
  return Buffer.from(line, 'base64').subarray(2, 10).reverse().toString('hex').toUpperCase();
};
const signedWith = keyId(readFileSync(sigFile, 'utf8'));
const pubkey = JSON.parse(readFileSync(configFile, 'utf8')).plugins?.updater?.pubkey ?? '';
const trusted = keyId(pubkey);
if (signedWith.length !== 16 || signedWith !== trusted) {
  console.error(`check-update-key: TAURI_SIGNING_PRIVATE_KEY is key ${signedWith || '(unreadable)'}, but ${configFile} ` +
    `trusts key ${trusted || '(none)'} (plugins.updater.pubkey): put the release key's public half there ` +
    '(the contents of its .pub file), or set the secret to the private key that goes with it.');
  process.exit(1);
}
console.log(`check-update-key: updates are signed with key ${signedWith}, the one ${configFile} trusts`);
EOF
