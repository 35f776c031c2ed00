#!/usr/bin/env bash
# Lints the migrations a pull request changes (all of them on other events), writing SARIF and a
# markdown comment, and hands the exit code to the last step so the uploads happen first.
set -uo pipefail
out="${RUNNER_TEMP:-/tmp}/lockstep"
mkdir -p "$out"
read -r -a paths <<< "${INPUT_PATHS:-.}"
base="${INPUT_BASE_REF:-${LOCKSTEP_PR_BASE:-}}"
args=(--fail-on "${INPUT_FAIL_ON:-warning}")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
if [ -n "$base" ]; then
  # A shallow checkout may lack the base commit; one more commit of history is all the diff needs.
  git cat-file -e "$base^{commit}" 2>/dev/null || git fetch --no-tags --depth=1 origin "$base"
  args+=(--changed-since "$base")
fi
export LOCKSTEP_DOCS_BASE_URL="${LOCKSTEP_DOCS_BASE_URL:-}"

node "$LOCKSTEP_CLI" lint "${args[@]}" --format github "${paths[@]}"
code=$?
node "$LOCKSTEP_CLI" lint "${args[@]}" --format sarif "${paths[@]}" > "$out/lockstep.sarif"
node "$LOCKSTEP_CLI" lint "${args[@]}" --format markdown "${paths[@]}" > "$out/lockstep.md"
findings=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.runs[0].results.length)' "$out/lockstep.sarif" 2>/dev/null || echo 0)
{
  echo "exit-code=$code"
  echo "findings=$findings"
  # A usage or configuration error (exit 2) writes no report worth uploading.
  if [ "$code" -ne 2 ]; then
    echo "sarif=$out/lockstep.sarif"
    echo "markdown=$out/lockstep.md"
  fi
} >> "$GITHUB_OUTPUT"
exit 0
