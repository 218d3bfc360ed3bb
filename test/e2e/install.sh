#!/usr/bin/env bash
# Installs the real-editor harness on a fresh Debian 12 machine: Debian chromium (driven by
# playwright-core), neovim (second LSP client), code-server 4.100.3 from the npm registry.
# Idempotent: every step is guarded, so running it twice costs seconds.
# The four code-server workarounds come from /work/shared/reference/test-harness.md §2.1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
log() { printf '[e2e-install] %s\n' "$*"; }

# 1. Debian packages: chromium + neovim are the editors' hosts; the -dev packages let
#    code-server's native modules (kerberos, node-pty, …) build, because their prebuilt
#    downloads are not reachable (workaround 2); ripgrep seeds workaround 3.
apt_packages=(chromium neovim ripgrep build-essential pkg-config python3
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "apt packages present"
fi

# 2. Workaround 3: @vscode/ripgrep 1.15.11 downloads rg v13.0.0-10 from GitHub releases
#    unless this cache file exists; Debian's rg 13.0.0 stands in for it. The cache lives
#    under os.tmpdir(), so run this script with the TMPDIR that npm ci will see.
rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
rg_tgz="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rg_tgz" ]; then
  log "seeding ripgrep cache $rg_tgz"
  mkdir -p "$rg_cache"
  tar czf "$rg_tgz" -C "$(dirname "$(command -v rg)")" rg
fi

# 3. The harness packages. Workaround 1 (postinstall refuses root without unsafe-perm)
#    and workaround 4 (npx inside node-pty's build must not prompt) are env vars.
cs_version() { node -p 'require("./node_modules/code-server/package.json").version' 2>/dev/null || true; }
if [ -x node_modules/.bin/code-server ] && [ "$(cs_version)" = 4.100.3 ] \
  && [ -d node_modules/playwright-core ] && [ -d node_modules/@vscode/test-electron ]; then
  log "harness node_modules present"
else
  log "npm ci (code-server 4.100.3 builds native modules; about a minute)"
  npm_config_unsafe_perm=true npm_config_yes=true timeout 900 \
    npm ci --no-audit --no-fund --loglevel=error
fi
# (`code-server --version` would write ~/.config/code-server/config.yaml, so read the manifest instead.)
log "code-server $(cs_version)"
log "$(nvim --version | head -1)"
log "chromium: $(command -v chromium)"
