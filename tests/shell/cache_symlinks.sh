#!/usr/bin/env bash
# Planted symlinks at cache and keytab names: krbkit's tools must leave the
# same files behind as MIT's (krb5-user 1.20). A whole-cache write (kinit,
# kinit -R, a DIR member, kswitch's primary file) replaces the link itself and
# never touches its target; an append (kvno) and kdestroy go through the link
# as MIT's do; a keytab is edited through a link to a keytab, a dangling link
# is "not found" and creates nothing, and a new keytab is 0600 even under
# umask 000.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

# shellcheck source=tests/shell/lib/throwaway_realm.sh
. "$src/tests/shell/lib/throwaway_realm.sh"
start_throwaway_realm symlinks

# Scenarios run in command substitutions: failures are counted in a file.
fail() {
  echo "FAIL: $*" >&2
  echo x >>"$dir/failures"
}

# What a folder holds, one line a name: links with their target, caches as
# MIT's klist reads them, keytabs as MIT's klist -k lists them, other files
# by their bytes (zeros summarized), and the mode of each regular file.
describe() {
  local d=$1 f
  for f in $(ls -A "$d" | sort); do
    if [[ -L "$d/$f" ]]; then
      echo "$f -> $(readlink "$d/$f")"
    elif [[ -d "$d/$f" ]]; then
      echo "$f/"
      describe "$d/$f" | sed "s|^|$f/|"
    elif klist -c "FILE:$d/$f" >/dev/null 2>&1; then
      echo "$f $(stat -c %a "$d/$f") ccache: $(klist -c "FILE:$d/$f" | sed -n 's/^Default principal: //p')" \
        "$(klist -c "FILE:$d/$f" | grep -c '^[0-9]') ticket(s)"
    elif klist -k "FILE:$d/$f" >/dev/null 2>&1; then
      echo "$f $(stat -c %a "$d/$f") keytab: $(klist -k "FILE:$d/$f" | grep -c '@') entries"
    elif [[ -s "$d/$f" && -z "$(tr -d '\0' <"$d/$f")" ]]; then
      echo "$f $(stat -c %a "$d/$f") $(stat -c %s "$d/$f") zeros"
    else
      echo "$f $(stat -c %a "$d/$f") bytes: $(od -An -c "$d/$f" | tr -s ' ' | sed 's/^ //' | head -c 60)"
    fi
  done
}

# scenario NAME SETUP COMMAND...: runs SETUP in a fresh folder ($w) twice,
# then COMMAND with MIT's tool in one and krbkit's in the other ($tool is
# the tool's path prefix: /usr/bin/ or $bin/), and compares what the two
# folders hold afterwards and what the commands exited with.
scenario() {
  local name=$1 setup=$2
  shift 2
  local mit_w=$dir/$name-mit ours_w=$dir/$name-ours
  mkdir -p "$mit_w" "$ours_w"
  (cd "$mit_w" && w=$mit_w && eval "$setup")
  (cd "$ours_w" && w=$ours_w && eval "$setup")
  local mit_rc=0 ours_rc=0
  (cd "$mit_w" && w=$mit_w tool=/usr/bin/ && eval "$*") >"$dir/$name.mit.out" 2>&1 || mit_rc=$?
  (cd "$ours_w" && w=$ours_w tool=$bin/ && eval "$*") >"$dir/$name.ours.out" 2>&1 || ours_rc=$?
  local mit_state ours_state
  mit_state=$(describe "$mit_w")
  ours_state=$(describe "$ours_w")
  if [[ "$mit_state" != "$ours_state" || $mit_rc -ne $ours_rc ]]; then
    fail "$name: krbkit left (exit $ours_rc):"$'\n'"$ours_state"$'\n'"MIT left (exit $mit_rc):"$'\n'"$mit_state"
    sed 's/^/  ours: /' "$dir/$name.ours.out" >&2
    sed 's/^/  mit:  /' "$dir/$name.mit.out" >&2
  fi
  echo "$ours_state"
}

bob() { echo "$BOB_PASSWORD" | /usr/bin/kinit "$@" "$BOB_PRINCIPAL" >/dev/null; }
alice() { echo "$ALICE_PASSWORD" | /usr/bin/kinit "$@" "$ALICE_PRINCIPAL" >/dev/null; }
svc=host/$SERVER_HOST@$REALM

# expect STATE LINE: the scenario's result holds LINE (beyond agreeing with MIT).
expect() {
  grep -qxF -- "$2" <<<"$1" || fail "expected the line '$2' in:"$'\n'"$1"
}

s=$(scenario kinit-over-file 'echo precious >target; chmod 644 target; ln -s target link' \
  'echo "$BOB_PASSWORD" | ${tool}kinit -c FILE:$w/link "$BOB_PRINCIPAL"')
expect "$s" "target 644 bytes: p r e c i o u s \n"
expect "$s" "link 600 ccache: $BOB_PRINCIPAL 1 ticket(s)"

s=$(scenario kinit-over-dangling 'ln -s nowhere link' \
  'echo "$BOB_PASSWORD" | ${tool}kinit -c FILE:$w/link "$BOB_PRINCIPAL"')
expect "$s" "link 600 ccache: $BOB_PRINCIPAL 1 ticket(s)"

s=$(scenario kinit-over-cache 'alice -c FILE:$w/alice; ln -s alice link' \
  'echo "$BOB_PASSWORD" | ${tool}kinit -c FILE:$w/link "$BOB_PRINCIPAL"')
expect "$s" "alice 600 ccache: $ALICE_PRINCIPAL 1 ticket(s)"

s=$(scenario kinit-R 'bob -r 1d -c FILE:$w/real; ln -s real link' '${tool}kinit -R -c FILE:$w/link')
expect "$s" "real 600 ccache: $BOB_PRINCIPAL 1 ticket(s)"
expect "$s" "link 600 ccache: $BOB_PRINCIPAL 1 ticket(s)"

s=$(scenario kvno-appends 'bob -c FILE:$w/real; ln -s real link' '${tool}kvno -c FILE:$w/link "$svc"')
expect "$s" "link -> real"
expect "$s" "real 600 ccache: $BOB_PRINCIPAL 2 ticket(s)"

s=$(scenario kdestroy 'bob -c FILE:$w/real; ln -s real link' '${tool}kdestroy -c FILE:$w/link')
[[ "$s" == *" zeros" ]] || fail "kdestroy through a link: the target was not overwritten: $s"

s=$(scenario dir-member 'mkdir c; echo precious >c/target; ln -s target c/tktlink; echo tktlink >c/primary' \
  'echo "$BOB_PASSWORD" | ${tool}kinit -c DIR:$w/c "$BOB_PRINCIPAL"')
expect "$s" "c/target 644 bytes: p r e c i o u s \n"
expect "$s" "c/tktlink 600 ccache: $BOB_PRINCIPAL 1 ticket(s)"

s=$(scenario kswitch-primary 'mkdir c; bob -c DIR::$w/c/tktbob; echo precious >keep; ln -s ../keep c/primary' \
  '${tool}kswitch -c DIR::$w/c/tktbob')
expect "$s" "keep 644 bytes: p r e c i o u s \n"

addent="addent -password -p foo@$REALM -k 1 -e aes256-cts-hmac-sha1-96"
wkt() { printf '%s\nfoo-pw\nwkt %s\n' "$addent" "$1" | "${tool}ktutil" 2>&1 | grep -v -e '^ktutil:' -e '^Password'; }
s=$(scenario ktutil-new '' 'umask 000; wkt $w/new.keytab')
expect "$s" "new.keytab 600 keytab: 1 entries"

s=$(scenario ktutil-dangling 'ln -s nowhere link' 'wkt $w/link')
expect "$s" "link -> nowhere"
grep -q "No such file or directory\|not found" "$dir/ktutil-dangling.ours.out" ||
  fail "ktutil wkt to a dangling link: $(cat "$dir/ktutil-dangling.ours.out")"

s=$(scenario ktutil-through-link 'cp "$HOST_KEYTAB" real; chmod 600 real; ln -s real link' 'wkt $w/link')
expect "$s" "link -> real"

s=$(scenario ktutil-not-a-keytab 'echo precious >target; chmod 644 target; ln -s target link' 'wkt $w/link')
expect "$s" "target 644 bytes: p r e c i o u s \n"

# (exit status not compared: krbkit's kadmin -q exits 1 after a failed request, MIT's 0)
ktadd() { ${tool}kadmin -p admin/admin -w "$ADMIN_PASSWORD" -q "ktadd -k $1 -norandkey $svc" >/dev/null || true; }
s=$(scenario ktadd-new '' 'umask 000; ktadd $w/new.keytab')
expect "$s" "new.keytab 600 keytab: 7 entries"
s=$(scenario ktadd-dangling 'ln -s nowhere link' 'ktadd $w/link')
expect "$s" "link -> nowhere"

if [[ -s "$dir/failures" ]]; then
  echo "$(wc -l <"$dir/failures") symlink check(s) failed" >&2
  exit 1
fi
echo "cache and keytab symlink tests passed"
