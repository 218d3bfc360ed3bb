#!/usr/bin/env bash
# `npm start`: builds the bundles, then runs the CLI on the bundled Istio ambient examples so a new
# user sees what the tool says about a healthy pod dump and about a broken one.
set -uo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs || exit 2
cli="node dist/cli.js"

echo "== iptables-lens check --classify examples/*.rules (healthy Istio ambient pod dumps)"
$cli check --classify examples/ambient-dns-off.rules examples/ambient-dns-on.rules examples/ambient-ipv6.rules \
  && echo "   no errors or warnings"

broken="${TMPDIR:-/tmp}/iptables-lens-broken-example.rules"
# The same dump with the inbound-capture REDIRECT removed: a pod whose inbound traffic bypasses ztunnel.
grep -v -- '--to-ports 15006' examples/ambient-dns-off.rules > "$broken"
echo
echo "== the same dump with the inbound REDIRECT to 15006 removed"
$cli check "$broken"
echo
echo "== iptables-lens trace: the app's outbound TCP connection in the healthy dump"
$cli trace examples/ambient-dns-off.rules --scenario app-outbound-tcp | sed -n '1,/^RESULT: 0/p'
echo
echo "Open examples/ in VS Code with the extension (or run 'npm run sandbox') to see hovers, code lenses and traces."
exit 0
