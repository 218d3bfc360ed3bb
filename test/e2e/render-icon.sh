#!/usr/bin/env bash
# Renders images/icon.svg to the 128x128 images/icon.png the marketplace shows, with headless Debian chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ipl-e2e-icon-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
{ echo '<!doctype html><html><head><style>html,body{margin:0;background:transparent}</style></head><body>'
  cat "$root/images/icon.svg"; echo '</body></html>'; } > "$tmp/icon.html"
timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
  --window-size=128,128 --screenshot="$root/images/icon.png" "file://$tmp/icon.html" 2>/dev/null
echo "wrote $root/images/icon.png"
