#!/usr/bin/env bash
# Builds the Lockstep CLI from the action's own checkout and tells later steps where it is.
set -euo pipefail
cd "$GITHUB_ACTION_PATH"
if [ ! -f dist/cli.js ]; then
  npm ci --no-audit --no-fund --ignore-scripts
  npm run build --silent
fi
echo "LOCKSTEP_CLI=$GITHUB_ACTION_PATH/dist/cli.js" >> "$GITHUB_ENV"
