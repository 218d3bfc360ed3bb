#!/usr/bin/env bash
# Runs every test layer in order and prints one closing line "N passed, N failed" over all of them.
# Layers: type check, lint, build, unit (mocha, real LSP connection), grammar (vscode-tmgrammar-test),
# kernel (root: real iptables-restore + netns), real editors (code-server, Neovim), packaging.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
log_dir="${TMPDIR:-/tmp}/iptables-lens-test.$$"
mkdir -p "$log_dir"

# Adds the counts from a mocha "spec" run (lines "N passing" / "N failing") to the totals.
count_mocha() {
  local log="$1" p f
  p=$(grep -aEo '^ *[0-9]+ passing' "$log" | tail -1 | grep -Eo '[0-9]+' || true)
  f=$(grep -aEo '^ *[0-9]+ failing' "$log" | tail -1 | grep -Eo '[0-9]+' || true)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

# Adds the counts from a runner that prints our own closing line "N passed, N failed".
count_plain() {
  local log="$1" line
  line=$(grep -aEo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
    failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
  fi
}

# Adds, for each runner of the real-editor layer, its last "N passed, N failed" line before the
# runner's "=== [name] exit" marker (a runner may print an inner suite's line before its own total).
count_all() {
  local log="$1" totals
  totals=$(awk '
    /^[0-9]+ passed, [0-9]+ failed/ { last = $0 }
    /^=== \[[a-z]+\] exit/ { if (last != "") { split(last, w, " "); p += w[1]; f += w[3] } last = "" }
    END { print p + 0, f + 0 }' "$log")
  passed=$((passed + ${totals% *}))
  failed=$((failed + ${totals#* }))
}

# Runs one step; a step that fails without reporting test counts counts as one failed test.
step() {
  local name="$1" kind="$2"
  shift 2
  local log="$log_dir/$name.log"
  echo "=== $name: $*"
  local before_failed=$failed
  if "$@" 2>&1 | tee "$log"; then rc=0; else rc=${PIPESTATUS[0]}; fi
  case "$kind" in
    mocha) count_mocha "$log" ;;
    plain) count_plain "$log" ;;
    all) count_all "$log" ;;
    check) if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); fi ;;
  esac
  if [ "$rc" -ne 0 ] && [ "$failed" -eq "$before_failed" ]; then
    failed=$((failed + 1))
    echo "!!! $name failed (exit $rc)"
  fi
}

step typecheck check npx tsc -b
step lint check npm run --silent lint
step build check npm run --silent build
step unit mocha npx mocha
step grammar check bash test/grammar/run.sh
if [ "$(id -u)" -eq 0 ] && command -v iptables-restore >/dev/null; then
  step kernel mocha npx mocha --config test/kernel/.mocharc.json
else
  echo "=== kernel: skipped — needs root and iptables (run .ci/run or sudo npm test)"
fi
step editors-install check bash test/e2e/install.sh
IPL_E2E_ONLY="integration ui vsix" step editors all bash test/e2e/run-all.sh
step nvim mocha npx mocha --config test/nvim/.mocharc.json
step package check bash scripts/check-package.sh

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
