#!/usr/bin/env bash
# CI entry for the real-editor layer. Call after `bash test/e2e/install.sh` (and the root `npm ci`).
# Runs, each under a timeout and in its own per-run TMPDIR:
#   1. the integration suite in code-server 4.100.3 (prints "N passed, N failed")
#   2. the UI test with screenshots (images/, or IPL_E2E_SHOTS)
#   3. the .vsix release check + smoke test against the installed copy
#   4. the headless Neovim LSP-client tests
# Every step runs even when an earlier one fails; the exit code is non-zero if any failed.
# Env: IPL_E2E_ONLY="integration ui vsix nvim" to pick steps; IPL_E2E_SHOTS (screenshot dir, default
# images/); IPL_E2E_ARTIFACTS (failure screenshots, default out/e2e-artifacts).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
only="${IPL_E2E_ONLY:-integration ui vsix nvim}"
run_tmp="$(mktemp -d "${TMPDIR:-/tmp}/ipl-e2e-run-XXXXXX")"
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR="$run_tmp"
# Screenshots of failed UI checks survive the per-run TMPDIR here (out/ is git-ignored).
export IPL_E2E_ARTIFACTS="${IPL_E2E_ARTIFACTS:-$root/out/e2e-artifacts}"
declare -A status=()

step() { # name timeout-seconds command...
  local name="$1" limit="$2"
  shift 2
  case " $only " in *" $name "*) ;; *) return 0 ;; esac
  echo "=== [$name] $*"
  # --kill-after: a runner that ignores SIGTERM still ends; runners kill their code-server process group.
  timeout --kill-after=20 "$limit" "$@"
  status[$name]=$?
  echo "=== [$name] exit ${status[$name]}"
}

echo "=== build: bundles and the integration suite"
node esbuild.mjs && node test/integration/build.mjs || { echo "build failed"; exit 1; }

step integration 900 node test/e2e/run-ext-tests.js
step ui 900 node test/e2e/ui-test.js
step vsix 900 node test/e2e/vsix-smoke.js
step nvim 900 npx mocha --config test/nvim/.mocharc.json

failed=0
for name in "${!status[@]}"; do [ "${status[$name]}" -eq 0 ] || { echo "FAILED: $name (exit ${status[$name]})"; failed=1; }; done
[ "$failed" -eq 0 ] && echo "all real-editor steps passed"
exit "$failed"
