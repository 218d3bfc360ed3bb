#!/usr/bin/env bash
# `npm run sandbox`: opens examples/ in code-server (VS Code 1.100 in the browser) with the extension
# installed, so anyone can try iptables-lens without a desktop VS Code. Prints the local URL; Ctrl-C stops it.
# Needs the harness once: bash test/e2e/install.sh. Env: PORT (default 18090), SANDBOX_FOLDER (default examples/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${PORT:-18090}"
folder="$(cd "${SANDBOX_FOLDER:-examples}" && pwd)"
code_server="$root/test/e2e/node_modules/.bin/code-server"
if [ ! -x "$code_server" ]; then
  echo "code-server is not installed yet; run: bash test/e2e/install.sh" >&2
  exit 2
fi

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/iptables-lens-sandbox-XXXXXX")"
cs_pid=""
cleanup() {
  # code-server runs in its own process group; killing the group also ends its file watcher.
  if [ -n "$cs_pid" ]; then kill -TERM -- "-$cs_pid" 2>/dev/null || true; wait "$cs_pid" 2>/dev/null || true; fi
  rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node esbuild.mjs
mkdir -p "$run_dir/data/User" "$run_dir/extensions"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" > "$run_dir/config.yaml"
cat > "$run_dir/data/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "security.workspace.trust.enabled": false, "telemetry.telemetryLevel": "off",
  "update.mode": "none", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "workbench.colorTheme": "Default Dark Modern" }
JSON
cs_args=(--config "$run_dir/config.yaml" --user-data-dir "$run_dir/data" --extensions-dir "$run_dir/extensions")

# Install the packaged extension, as a user would get it; fall back to loading the working tree when
# packaging fails (e.g. a manifest field vsce insists on is still missing).
url_query="folder=$(node -p 'encodeURIComponent(process.argv[1])' "$folder")"
if timeout 180 npx --no-install vsce package --no-dependencies -o "$run_dir/iptables-lens.vsix" </dev/null >"$run_dir/vsce.log" 2>&1 \
  && timeout 120 "$code_server" "${cs_args[@]}" --install-extension "$run_dir/iptables-lens.vsix" >>"$run_dir/vsce.log" 2>&1; then
  echo "installed the packaged extension (.vsix) into a throw-away profile"
else
  echo "packaging failed (see below); loading the extension from the working tree instead" >&2
  tail -5 "$run_dir/vsce.log" >&2
  payload="$(node -p 'JSON.stringify([["extensionDevelopmentPath","vscode-remote://127.0.0.1:"+process.argv[1]+process.argv[2]]])' "$port" "$root")"
  url_query="$url_query&payload=$(node -p 'encodeURIComponent(process.argv[1])' "$payload")"
fi

setsid "$code_server" "${cs_args[@]}" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened "$folder" >"$run_dir/code-server.log" 2>&1 &
cs_pid=$!
# Wait until code-server answers (or dies), without a fixed sleep: curl retries on refused connections.
if ! curl -fs --retry 60 --retry-connrefused --retry-delay 1 --max-time 90 "http://127.0.0.1:$port/healthz" >/dev/null; then
  echo "code-server did not start; log:" >&2
  cat "$run_dir/code-server.log" >&2
  exit 1
fi
echo
echo "iptables-lens sandbox (code-server, VS Code 1.100) on ${folder#"$root"/}:"
echo "  http://127.0.0.1:$port/?$url_query"
echo "Open the URL in a browser (forward the port for a remote machine: ssh -L $port:127.0.0.1:$port …). Ctrl-C stops it."
wait "$cs_pid"
