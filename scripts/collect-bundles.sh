#!/usr/bin/env bash
# Copies the bundles Tauri wrote under FROM (named after the product, "Front Desk_…") into TO with
# package-style names: frontdesk_VERSION_amd64.deb and frontdesk-VERSION-1.x86_64.rpm.
set -euo pipefail
from=$1 to=$2
mkdir -p "$to"
rm -f "$to"/frontdesk[_-]*
for f in "$from"/deb/*.deb "$from"/rpm/*.rpm; do
  [ -e "$f" ] || continue
  name=$(basename "$f")
  cp "$f" "$to/frontdesk${name#Front Desk}"
done
ls -l "$to"
