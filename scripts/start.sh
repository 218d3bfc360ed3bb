#!/usr/bin/env bash
# `npm start`: builds the bundles, then runs the CLI on the bundled Istio ambient examples so a new
# user sees what the tool says about a healthy pod dump and about a broken one.
set -uo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs || exit 2
cli="node dist/cli.js"

echo "== iptables-lens check examples/*.rules (healthy Istio ambient pod dumps)"
$cli check examples/ambient-dns-off.rules examples/ambient-dns-on.rules examples/ambient-ipv6.rules \
  && echo "   no errors or warnings"

broken="${TMPDIR:-/tmp}/iptables-lens-broken-example.rules"
# The same dump with the inbound-capture REDIRECT removed: a pod whose inbound traffic bypasses ztunnel.
grep -v -- '--to-ports 15006' examples/ambient-dns-off.rules > "$broken"
echo
echo "== the same dump with the inbound REDIRECT to 15006 removed"
$cli check "$broken"
echo
echo "Open examples/ in VS Code with the extension (or run 'npm run sandbox') to see hovers, code lenses and traces."
exit 0
