#!/usr/bin/env bash
# Every tool answers --help and --version, and every option its --help lists
# is documented in its man page and offered by its bash, zsh and fish
# completions, so the three never drift apart from the code.
set -euo pipefail
bin=${KRBKIT_BIN_DIR:?}
src=${KRBKIT_SOURCE_DIR:?}
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Plain text of a man page: font escapes dropped, \- turned into -.
man_text() { sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' "$1"; }

for tool in kinit klist kdestroy kswitch kvno kpasswd kadmin ktutil kcc kdiag; do
  help=$("$bin/$tool" --help) || fail "$tool --help exits non-zero"
  [[ $help == *Usage* ]] || fail "$tool --help prints no usage"
  version=$("$bin/$tool" --version) || fail "$tool --version exits non-zero"
  [[ $version == "$tool (krbkit) "* ]] || fail "$tool --version prints '$version'"

  # A command with subcommands (kcc): each one's options count too.
  for sub in $(awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' <<<"$help"); do
    help+=$'\n'$("$bin/$tool" "$sub" --help) || fail "$tool $sub --help exits non-zero"
  done

  page=$src/man/$tool.1
  [[ -f $page ]] || continue # the man page comes with the command's issue
  text=$(man_text "$page")
  # Options from CLI11's help: lines that start with spaces and a dash.
  options=$(grep -E '^\s+-' <<<"$help" | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | tr -d ' ,' | sort -u)
  for opt in $options; do
    case $opt in -h | --help | --version) continue ;; esac
    grep -qE -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|$)" <<<"$text" || fail "$tool: $opt is not in man/$tool.1"
    grep -qE -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|$)" "$src/completions/bash/$tool" ||
      fail "$tool: $opt is not in completions/bash/$tool"
    grep -qE -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|$)" "$src/completions/zsh/_$tool" ||
      fail "$tool: $opt is not in completions/zsh/_$tool"
    if [[ $opt == --* ]]; then
      grep -qE -- "-l ${opt#--}( |$)" "$src/completions/fish/$tool.fish" || fail "$tool: $opt is not in completions/fish/$tool.fish"
    else
      grep -qE -- "-s ${opt#-}( |$)" "$src/completions/fish/$tool.fish" || fail "$tool: $opt is not in completions/fish/$tool.fish"
    fi
  done
  if command -v groff >/dev/null; then
    warnings=$(groff -man -ww -z "$page" 2>&1) || true
    [[ -z $warnings ]] || fail "$tool: groff warns about man/$tool.1: $warnings"
  fi
done

# krbkit-json(7): groff is happy with it, and it names every schema of
# man/json/ (and no schema that is not there).
page=$src/man/krbkit-json.7
if command -v groff >/dev/null; then
  warnings=$(groff -man -ww -z "$page" 2>&1) || true
  [[ -z $warnings ]] || fail "groff warns about man/krbkit-json.7: $warnings"
fi
text=$(man_text "$page")
for schema in "$src"/man/json/*.schema.json; do
  grep -qF -- "${schema##*/}" <<<"$text" || fail "man/krbkit-json.7 does not describe ${schema##*/}"
done
for named in $(grep -oE '[a-z-]+\.schema\.json' <<<"$text" | sort -u); do
  [[ -f $src/man/json/$named ]] || fail "man/krbkit-json.7 names $named, which man/json/ does not have"
done

if ((failures)); then
  echo "$failures failed" >&2
  exit 1
fi
echo "docs in step: all tools checked"
