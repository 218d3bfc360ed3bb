#!/usr/bin/env bash
# Builds the .vsix and checks that it ships only the allow-listed files (no node_modules, no sources).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build -- --production
files=$(npx vsce ls --no-dependencies 2>/dev/null)
echo "$files"
bad=$(echo "$files" | grep -Ev '^(dist/(client|server|readingWorker|cli)\.js|syntaxes/.*|language-configuration\.json|package\.json|README\.md|CHANGELOG\.md|LICENSE(\.txt)?|images/.*\.png)$' || true)
if [ -n "$bad" ]; then
  echo "unexpected files in the package:" >&2
  echo "$bad" >&2
  exit 1
fi
npx vsce package --no-dependencies -o dist/iptables-lens.vsix </dev/null
echo "package ok: $(du -h dist/iptables-lens.vsix | cut -f1)"
