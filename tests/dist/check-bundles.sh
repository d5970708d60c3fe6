#!/usr/bin/env bash
# Checks the Linux bundles in DIR (default dist/): the .deb's control data, dependencies, binary,
# desktop entry and icons; the .rpm's presence and size. With FRONTDESK_INSTALL_TEST=1 and root
# (or passwordless sudo), also installs the .deb with apt-get, starts the installed app under
# Xvfb, and removes it again: meant for a throwaway machine such as CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-dist}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
deb="$dir/frontdesk_${version}_amd64.deb"
rpm="$dir/frontdesk-${version}-1.x86_64.rpm"
fail() { echo "check-bundles: $*" >&2; exit 1; }

[ -f "$deb" ] || fail "no $deb"
[ -f "$rpm" ] || fail "no $rpm"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = front-desk ] || fail "package name is $(field Package)"
[ "$(field Version)" = "$version" ] || fail "version $(field Version), Cargo says $version"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  field Depends | grep -q "$dep" || fail "Depends lacks $dep: $(field Depends)"
done
[ -n "$(field Description)" ] || fail "no description"

contents=$(dpkg-deb -c "$deb")
for path in usr/bin/frontdesk "usr/share/applications/Front Desk.desktop" \
  usr/share/icons/hicolor/32x32/apps/frontdesk.png usr/share/icons/hicolor/128x128/apps/frontdesk.png \
  usr/share/icons/hicolor/512x512/apps/frontdesk.png; do
  grep -qF " $path" <<<"$contents" || fail "the .deb lacks $path"
done

unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
desktop="$unpacked/usr/share/applications/Front Desk.desktop"
grep -qx 'Exec=frontdesk' "$desktop" || fail "desktop entry does not run frontdesk"
grep -qx 'Icon=frontdesk' "$desktop" || fail "desktop entry has no icon"
grep -q '^Categories=.*Office' "$desktop" || fail "desktop entry category: $(grep Categories "$desktop")"
file "$unpacked/usr/bin/frontdesk" | grep -q 'ELF 64-bit' || fail "usr/bin/frontdesk is not an executable"

[ "$(stat -c %s "$rpm")" -gt 1000000 ] || fail "the .rpm is suspiciously small"
if command -v rpm >/dev/null; then
  rpm -qp --requires "$rpm" | grep -q webkit2gtk || fail "the .rpm does not require WebKitGTK"
fi
echo "check-bundles: $deb ($(du -h "$deb" | cut -f1)) and $rpm look right"

if [ "${FRONTDESK_INSTALL_TEST:-}" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else fail "the install test needs root"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "./$deb" >/dev/null
  [ -x /usr/bin/frontdesk ] || fail "installed, but /usr/bin/frontdesk is missing"
  home=$(mktemp -d)
  # Started with no D-Bus session and no keyring: it must come up and stay up until stopped.
  set +e
  env -u DBUS_SESSION_BUS_ADDRESS HOME="$home" xvfb-run -a timeout 8 /usr/bin/frontdesk >"$home/run.log" 2>&1
  code=$?
  set -e
  [ "$code" = 124 ] || { cat "$home/run.log" >&2; fail "the installed app exited with $code instead of running"; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq front-desk >/dev/null
  [ ! -e /usr/bin/frontdesk ] || fail "removing the package left /usr/bin/frontdesk"
  [ ! -e "/usr/share/applications/Front Desk.desktop" ] || fail "removing the package left the desktop entry"
  rm -rf "$home"
  echo "check-bundles: installed with apt-get, ran for 8 s without a D-Bus session, removed cleanly"
fi
