#!/usr/bin/env bash
# Reviews the IAM policy files under REVIEW_PATHS against their versions at
# REVIEW_BASE (a git commit), offline, with `policy-sentry diff`. Used by
# action.yml and by `make review`; runnable by hand:
#
#   REVIEW_PATHS="policies/" REVIEW_BASE=origin/main bash scripts/githubaction/review.sh
#
# Environment:
#   REVIEW_PATHS           files or folders of policy JSON files (space-separated)
#   REVIEW_BASE            the commit to compare against (default: HEAD~1)
#   REVIEW_MUST_NOT_GRANT  a must-not-grant file (optional)
#   REVIEW_GUARDRAILS      built-in guardrails, space-separated (optional)
#   REVIEW_PUBLIC          "true" to check public access
#   REVIEW_FAIL            "true" (default) exits 3 when a change grants new access
#   REVIEW_OUT             folder for the reports (default: $RUNNER_TEMP or a temp dir)
#   POLICY_SENTRY          the CLI to run (default: built from POLICY_SENTRY_SRC)
#   POLICY_SENTRY_SRC      this repository's root (default: two folders up)
# Outputs (also to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY when set):
#   $REVIEW_OUT/review.txt, review.sarif, review.json
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="${POLICY_SENTRY_SRC:-$here/../..}"
base="${REVIEW_BASE:-HEAD~1}"
out="${REVIEW_OUT:-${RUNNER_TEMP:-$(mktemp -d)}/policy-sentry-review}"
fail="${REVIEW_FAIL:-true}"
if [ -z "${REVIEW_PATHS:-}" ]; then
  echo "review.sh: set REVIEW_PATHS to the policy files or folders to review" >&2
  exit 2
fi
mkdir -p "$out"
bin="${POLICY_SENTRY:-}"
if [ -z "$bin" ]; then
  bin="$out/policy-sentry"
  (cd "$src" && go build -trimpath -o "$bin" ./engine/cmd/policy-sentry)
fi

# OLD and NEW trees holding the same relative paths: NEW from the working
# tree, OLD from git at $base (a file missing there is a new file).
old="$out/old"; new="$out/new"
rm -rf "$old" "$new"; mkdir -p "$old" "$new"
prefix="$(git rev-parse --show-prefix)"
files=()
for p in $REVIEW_PATHS; do
  if [ -d "$p" ]; then
    while IFS= read -r f; do files+=("$f"); done < <(find "$p" -type f -name '*.json' | sort)
  elif [ -f "$p" ]; then
    files+=("$p")
  else
    echo "review.sh: $p: no such file or folder" >&2
    exit 2
  fi
done
# Files deleted since $base are reviewed too (all their access is removed).
for p in $REVIEW_PATHS; do
  while IFS= read -r f; do
    [ -e "$f" ] || files+=("$f")
  done < <(git ls-tree -r --name-only "$base" -- "$p" 2>/dev/null | sed "s#^${prefix}##" | grep -i '\.json$' || true)
done
for f in "${files[@]}"; do
  rel="${f#./}"
  if [ -f "$f" ]; then mkdir -p "$new/$(dirname "$rel")"; cp "$f" "$new/$rel"; fi
  if git cat-file -e "$base:$prefix$rel" 2>/dev/null; then
    mkdir -p "$old/$(dirname "$rel")"
    git show "$base:$prefix$rel" > "$old/$rel"
  fi
done

args=()
[ -n "${REVIEW_MUST_NOT_GRANT:-}" ] && args+=(--must-not-grant "$(cd "$(dirname "$REVIEW_MUST_NOT_GRANT")" && pwd)/$(basename "$REVIEW_MUST_NOT_GRANT")")
for g in ${REVIEW_GUARDRAILS:-}; do args+=(--guardrail "$g"); done
[ "${REVIEW_PUBLIC:-false}" = "true" ] && args+=(--public)

# Run from $out so reports name files new/PATH and old/PATH.
status=0
(cd "$out" && "$bin" diff "${args[@]}" --fmt text old new) > "$out/review.txt" || status=$?
(cd "$out" && "$bin" diff "${args[@]}" --fmt sarif old new) > "$out/review.sarif" || true
(cd "$out" && "$bin" diff "${args[@]}" --fmt json old new) > "$out/review.json" || true
# Point the SARIF log's files back at the repository's paths, so code
# scanning annotates the right lines.
sed -i "s#\"uri\": \"new/#\"uri\": \"$prefix#g" "$out/review.sarif"

cat "$out/review.txt"
newaccess=false
case $status in
  0) ;;
  3) newaccess=true ;;
  *) echo "review.sh: policy-sentry diff failed (exit $status)" >&2; exit "$status" ;;
esac
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "new-access=$newaccess"; echo "sarif=$out/review.sarif"; } >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  { echo "## IAM change review (policy-sentry diff)"; echo; echo '```'; cat "$out/review.txt"; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
fi
if [ "$newaccess" = true ] && [ "$fail" = true ]; then
  exit 3
fi
exit 0
