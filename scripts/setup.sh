#!/usr/bin/env bash
# Installs what the build and tests need on a fresh Debian machine:
# Chromium (browser tests) and Node.js (the Worker's wrangler, the
# TypeScript check of the CDK output) from apt, Go modules, and npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v zstd >/dev/null 2>&1 || need_apt+=(zstd)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
go mod download
