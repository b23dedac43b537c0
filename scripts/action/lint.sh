#!/usr/bin/env bash
# The lint step of the GitHub Action (action.yml), run from the folder the action's
# `working-directory` input names. The inputs come as environment variables, never spliced into
# the script's text, so no input can inject a command. It writes the chosen format to the log
# and SARIF to its file, sets the step outputs `exit-code` and `sarif-file`, and exits 0: the
# action's last step fails the job with b12lint's exit code, after the SARIF is uploaded.
#
#   B12LINT_HOME      the checkout of b12lint the action runs (github.action_path)
#   INPUT_PATHS       files, folders or globs, one a line (default: .)
#   INPUT_RULESET     a ruleset file or built-in name (default: the config's)
#   INPUT_CONFIG      a config file (default: the nearest b12lint.config.yaml)
#   INPUT_FORMAT      the format written to the log (default: github, annotations)
#   INPUT_FAIL_ON     error, warning, info or never (default: the config's failOn, else error)
#   INPUT_SARIF_FILE  where SARIF is written; empty: none
#   INPUT_ARGS        more options, separated by spaces (--icd10 codes/icd10cm_order_2026.txt)
#   GITHUB_OUTPUT     the file step outputs are appended to
set -uo pipefail

paths=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  if [ -n "$line" ]; then paths+=("$line"); fi
done <<< "${INPUT_PATHS:-}"
if [ ${#paths[@]} -eq 0 ]; then paths=(.); fi

args=(--format "${INPUT_FORMAT:-github}")
# Given only when set: an option on the command line overrides the config's failOn.
if [ -n "${INPUT_FAIL_ON:-}" ]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
if [ -n "${INPUT_RULESET:-}" ]; then args+=(--ruleset "$INPUT_RULESET"); fi
if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
sarif="${INPUT_SARIF_FILE:-}"
if [ -n "$sarif" ]; then
  rm -f -- "$sarif" # a SARIF file left by an earlier run must not be uploaded as this one's
  args+=(--format "sarif:$sarif")
fi
read -r -a extra <<< "${INPUT_ARGS:-}"

# ${extra[@]+...}: an empty list under `set -u` in the bash 3 of macOS runners too.
node "${B12LINT_HOME:?the action sets B12LINT_HOME}/bin/b12lint.js" "${args[@]}" ${extra[@]+"${extra[@]}"} -- "${paths[@]}"
code=$?

out="${GITHUB_OUTPUT:-/dev/null}"
echo "exit-code=$code" >> "$out"
# Exit 2 (b12lint could not run) writes no SARIF: then there is nothing to upload.
if [ -n "$sarif" ] && [ -f "$sarif" ]; then
  echo "sarif-file=$(cd "$(dirname -- "$sarif")" && pwd)/$(basename -- "$sarif")" >> "$out"
fi
exit 0
