#!/usr/bin/env bash
# The install step of the GitHub Action (action.yml), run in the action's own checkout: checks
# Node.js, then installs b12lint's dependencies and builds it (`npm ci` runs `prepare`). A second
# use of the action in the same job finds it built and does nothing.
set -euo pipefail

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "::error title=b12lint::b12lint needs Node.js 20 or later (found: ${major}). Add actions/setup-node with node-version: 20 before this action."
  exit 1
fi
if [ -f dist/bundle/main.js ] && [ -d node_modules ]; then
  echo "b12lint is already built in $(pwd)"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
