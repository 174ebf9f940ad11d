#!/usr/bin/env bash
# klist -H/--human, --utc, --iso and --color with real tickets: a TGT with
# 5 minutes left (red on a terminal), one with 30 minutes (yellow), one of
# 10 hours (no colour). Colour only on a terminal (script(1) gives klist a
# pty), never through a pipe, never with NO_COLOR or --color=never, always
# with --color=always. The default output stays MIT's: byte for byte what
# MIT's klist prints for the same cache.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

# shellcheck source=tests/shell/lib/throwaway_realm.sh
. "$src/tests/shell/lib/throwaway_realm.sh"
start_throwaway_realm human

red=$'\e[31m' yellow=$'\e[33m' reset=$'\e[0m'
get_tgt() { # CACHE LIFETIME
  echo "$ALICE_PASSWORD" | "$bin/kinit" -c "$1" -l "$2" "$ALICE_PRINCIPAL" >/dev/null
}
on_pty() { # COMMAND...: runs it on a pseudo-terminal, prints what it wrote
  script -qec "$(printf '%q ' "$@")" /dev/null | tr -d '\r'
}
expect_in() { # TEXT NEEDLE WHAT
  [[ "$1" == *"$2"* ]] || fail "$3: no '$(printf %q "$2")' in: $(printf %q "$1")"
}
expect_no_escape() { # TEXT WHAT
  [[ "$1" != *$'\e'* ]] || fail "$2: colour escape in: $(printf %q "$1")"
}

get_tgt "$dir/short" 5m
get_tgt "$dir/half" 30m
get_tgt "$dir/long" 10h

# On a terminal: red under 10 minutes, yellow under an hour, plain beyond.
out=$(on_pty "$bin/klist" -H "$dir/short")
expect_in "$out" "${red}in " "pty, 5 minute TGT"
expect_in "$out" "krbtgt/$REALM@$REALM" "pty, 5 minute TGT"
out=$(on_pty "$bin/klist" -H "$dir/half")
expect_in "$out" "${yellow}in " "pty, 30 minute TGT"
out=$(on_pty "$bin/klist" -H "$dir/long")
expect_in "$out" "in " "pty, 10 hour TGT"
expect_no_escape "$out" "pty, 10 hour TGT"

# No colour: through a pipe, with NO_COLOR, with --color=never.
out=$("$bin/klist" -H "$dir/short" | cat)
expect_in "$out" "in " "pipe"
expect_no_escape "$out" "pipe"
out=$(on_pty env NO_COLOR=1 "$bin/klist" -H "$dir/short")
expect_no_escape "$out" "NO_COLOR on a pty"
out=$(on_pty "$bin/klist" -H --color=never "$dir/short")
expect_no_escape "$out" "--color=never on a pty"
out=$("$bin/klist" -H --color=always "$dir/short" | cat)
expect_in "$out" "${red}in " "--color=always through a pipe"
expect_in "$out" "$reset" "--color=always through a pipe"

# The default stays MIT's layout, on a pty too; --utc and --iso are absolute UTC times.
for cache in short long; do
  if ! diff <(TZ=UTC /usr/bin/klist "$dir/$cache") <(TZ=UTC "$bin/klist" "$dir/$cache") >/dev/null; then
    fail "default output of $cache differs from MIT's klist"
  fi
done
out=$(on_pty "$bin/klist" "$dir/short")
expect_no_escape "$out" "default listing on a pty"
end=$(TZ=UTC /usr/bin/klist "$dir/long" | awk '/krbtgt/ {print $3, $4}')  # 12/06/26 23:41:00
iso_end=$(date -u -d "$(echo "$end" | awk -F'[/ ]' '{print "20"$3"-"$1"-"$2" "$4}')" +%Y-%m-%dT%H:%M:%SZ)
expect_in "$(TZ=XYZ-14 "$bin/klist" --iso "$dir/long")" "  $iso_end  krbtgt/" "--iso"
expect_in "$(TZ=XYZ-14 "$bin/klist" --utc "$dir/long")" "  $end  krbtgt/" "--utc"

# klist -l -H: each cache's expiry; -k -t -H: entry ages.
export KRB5CCNAME="DIR:$dir/collection"
get_tgt "DIR::$dir/collection/tktshort" 5m
out=$("$bin/klist" -l -H)
expect_in "$out" "DIR::$dir/collection/tktshort (expires in " "klist -l -H"
sleep 1  # the keytab's entries were written this second or the last: "now" until a second has gone
expect_in "$("$bin/klist" -k -t -H "$HOST_KEYTAB")" " ago " "klist -k -t -H"

# Usage errors: two styles, a style with --json, an unknown --color.
for args in "-H --iso" "--utc --json" "-H --color=sometimes"; do
  # shellcheck disable=SC2086
  if "$bin/klist" $args "$dir/long" >/dev/null 2>&1; then
    fail "klist $args was accepted"
  else
    rc=$?
    [[ $rc == 2 ]] || fail "klist $args exited $rc, not 2 (usage)"
  fi
done

((failures == 0)) || exit 1
echo "klist_human: all checks passed"
