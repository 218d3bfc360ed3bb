#!/usr/bin/env bash
# Grammar tests, as CI runs them (no npm scripts involved):
#   1. vscode-tmgrammar-test unit files: test/grammar/*.test.iptables (one per construct group)
#   2. vscode-tmgrammar-snap snapshots: test/grammar/snap/*.rules against their reviewed .snap files
# Pass --update to rewrite the snapshots after a deliberate grammar change; review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/../.."
grammar=syntaxes/iptables-save.tmLanguage.json
bin=node_modules/.bin

"$bin/vscode-tmgrammar-test" -g "$grammar" 'test/grammar/*.test.iptables'

if [[ "${1:-}" == "--update" ]]; then
  "$bin/vscode-tmgrammar-snap" -g "$grammar" -s source.iptables --updateSnapshot 'test/grammar/snap/*.rules'
else
  "$bin/vscode-tmgrammar-snap" -g "$grammar" -s source.iptables 'test/grammar/snap/*.rules'
fi
