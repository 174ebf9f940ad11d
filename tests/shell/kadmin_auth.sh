#!/usr/bin/env bash
# krbkit's kadmin: the ways of authenticating (-c with only a TGT, -k -t,
# -k with KRB5_KTNAME, --password-file) against the realm's MIT kadmind,
# and delete_principal's confirmation compared with MIT's client.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-kadmin-auth-XXXXXX")
trap '"$realm_sh" stop "$dir"; rm -rf "$dir"' EXIT
"$realm_sh" start "$dir" --owner $$ >/dev/null # a private realm: the modprinc below changes only it
# shellcheck source=/dev/null
. "$dir/env"
export TZ=UTC

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
local_() { kadmin.local -r "$REALM" -q "$1" 2>&1; }
has() { grep -q -- "$2" <<<"$(local_ "$1")"; }
admin_tgt() { # admin_tgt CACHE: a TGT only
  rm -f "$1"
  echo "$ADMIN_PASSWORD" | kinit -c "FILE:$1" "admin/admin@$REALM" >/dev/null
}

# -c with a TGT only, while kadmin/admin is DISALLOW_TGT_BASED (MIT's default):
# a clear refusal, exit 8 (no creds), as MIT's client also fails.
admin_tgt "$dir/cc-tgt"
rc=0
out=$("$bin/kadmin" -c "FILE:$dir/cc-tgt" -q "getprinc bob" 2>&1) || rc=$?
[[ $rc == 8 ]] || fail "-c with a TGT, kadmin/admin -allow_tgs_req: exit $rc, wanted 8: $out"
grep -q "kadmin/admin@$REALM does not accept tickets obtained with a TGT (KDC: .*); use -p/-k, or kinit -S kadmin/admin" <<<"$out" ||
  fail "-c refusal message: $out"
kadmin -c "FILE:$dir/cc-tgt" -q "getprinc bob" >/dev/null 2>&1 && fail "MIT's kadmin -c with a TGT only succeeded: the refusal case is not real"

# Once kadmin/admin allows TGS requests: the TGT gets the ticket, which lands in the cache.
local_ "modprinc +allow_tgs_req kadmin/admin" >/dev/null
admin_tgt "$dir/cc-tgt"
out=$("$bin/kadmin" -c "FILE:$dir/cc-tgt" -q "getprinc bob" 2>&1) || fail "-c with a TGT: $out"
grep -q "Principal: bob@$REALM" <<<"$out" || fail "-c getprinc bob: $out"
grep -q "Authenticating as principal admin/admin@$REALM with existing credentials." <<<"$out" || fail "-c banner: $out"
klist -c "FILE:$dir/cc-tgt" | grep -q "kadmin/admin@$REALM" || fail "-c did not store the kadmin/admin ticket: $(klist -c "FILE:$dir/cc-tgt")"
# ... and is used from there: a second run works without any TGT.
kdestroy -c "FILE:$dir/cc-svc" 2>/dev/null || true
echo "$ADMIN_PASSWORD" | kinit -S "kadmin/admin@$REALM" -c "FILE:$dir/cc-svc" "admin/admin@$REALM" >/dev/null
klist -c "FILE:$dir/cc-svc" | grep -q krbtgt && fail "kinit -S left a TGT"
"$bin/kadmin" -c "FILE:$dir/cc-svc" -q "getprinc bob" 2>&1 | grep -q "Principal: bob@" || fail "-c with a kadmin/admin ticket only"
local_ "modprinc -allow_tgs_req kadmin/admin" >/dev/null

# -k -t: an admin keytab (-norandkey: the password still works).
local_ "ktadd -k $dir/admin.keytab -norandkey admin/admin" >/dev/null
out=$("$bin/kadmin" -k -t "$dir/admin.keytab" -p admin/admin -q "getprinc bob" 2>&1) || fail "-k -t: $out"
grep -q "Principal: bob@$REALM" <<<"$out" || fail "-k -t getprinc: $out"
grep -q "with keytab $dir/admin.keytab." <<<"$out" || fail "-k -t banner: $out"
# -k with the default keytab, from KRB5_KTNAME.
out=$(KRB5_KTNAME="FILE:$dir/admin.keytab" "$bin/kadmin" -k -p admin/admin -q "getprinc bob" 2>&1) || fail "-k KRB5_KTNAME: $out"
grep -q "Principal: bob@$REALM" <<<"$out" || fail "-k KRB5_KTNAME getprinc: $out"
grep -q "with default keytab." <<<"$out" || fail "-k KRB5_KTNAME banner: $out"
rc=0
KRB5_KTNAME="FILE:$dir/none.keytab" "$bin/kadmin" -k -p admin/admin -q "getprinc bob" >/dev/null 2>&1 || rc=$?
[[ $rc != 0 ]] || fail "-k with an empty default keytab succeeded"

# --password-file: a file, and stdin's first line with the batch after it.
printf '%s\n' "$ADMIN_PASSWORD" >"$dir/pw"
out=$("$bin/kadmin" -p admin/admin --password-file "$dir/pw" -q "getprinc bob" 2>&1) || fail "--password-file: $out"
grep -q "Principal: bob@$REALM" <<<"$out" || fail "--password-file getprinc: $out"
out=$(printf '%s\ngetprinc bob\ngetprinc alice\n' "$ADMIN_PASSWORD" |
  "$bin/kadmin" -p admin/admin --password-file - 2>&1) || fail "--password-file -: $out"
grep -q "Principal: bob@$REALM" <<<"$out" && grep -q "Principal: alice@$REALM" <<<"$out" ||
  fail "--password-file - then a batch: $out"
printf 'wrong\n' >"$dir/pw-bad"
rc=0
"$bin/kadmin" -p admin/admin --password-file "$dir/pw-bad" -q "getprinc bob" >/dev/null 2>&1 || rc=$?
[[ $rc == 3 ]] || fail "--password-file with a wrong password: exit $rc, wanted 3"
rc=0
"$bin/kadmin" -p admin/admin --password-file "$dir/nonexistent" -q "getprinc bob" >/dev/null 2>"$dir/err" || rc=$?
[[ $rc != 0 ]] && grep -q "password file $dir/nonexistent" "$dir/err" || fail "--password-file missing file: exit $rc, $(cat "$dir/err")"

# delete_principal without -force asks as MIT's client does; compared line for line.
ours() { "$bin/kadmin" -p admin/admin -w "$ADMIN_PASSWORD" "$@"; }
mits() { kadmin -p admin/admin -w "$ADMIN_PASSWORD" "$@"; }
compare() { # compare <what> <stdin> <args...>: stdout and stderr equal to MIT's, on the same principal
  local what=$1 input=$2
  shift 2
  local_ "addprinc -randkey victim" >/dev/null
  b=$(mits "$@" <<<"$input" 2>"$dir/mits.err") || true
  local_ "addprinc -randkey victim" >/dev/null
  a=$(ours "$@" <<<"$input" 2>"$dir/ours.err") || true
  ae=$(<"$dir/ours.err") be=$(<"$dir/mits.err")
  [[ "$a" == "$b" ]] || fail "$what: stdout differs from MIT:"$'\n'"$(diff <(echo "$b") <(echo "$a"))"
  [[ "$ae" == "$be" ]] || fail "$what: stderr differs from MIT:"$'\n'"$(diff <(echo "$be") <(echo "$ae"))"
}
compare "delprinc -q, yes" "yes" -q "delprinc victim"
grep -q "Are you sure you want to delete the principal \"victim@$REALM\"? (yes/no): " <<<"$a$ae" || fail "delprinc prompt: $a $ae"
has "getprinc victim" "Principal does not exist" || fail "delprinc -q answered yes: not deleted"
compare "delprinc -q, no" "no" -q "delprinc victim"
has "getprinc victim" "Principal: victim@" || fail "delprinc -q answered no: deleted"
# In a batch (stdin not a terminal) the answer is the next line, for both
# clients. MIT's then loses the rest of the batch (stdio read ahead of it);
# krbkit goes on, and numbers its lines with the answer counted. krbkit echoes
# no prompt in a batch (see the man page), so these are not compared line for line.
batch=$'delprinc victim\nyes\ngetprinc -terse victim'
local_ "addprinc -randkey victim" >/dev/null
mits <<<"$batch" >"$dir/mits.out" 2>&1 || true
has "getprinc victim" "Principal does not exist" || fail "MIT's delprinc in a batch answered yes: not deleted"
grep -q "Are you sure you want to delete the principal \"victim@$REALM\"? (yes/no): Principal \"victim@$REALM\" deleted." "$dir/mits.out" ||
  fail "MIT's batch output: $(cat "$dir/mits.out")"
local_ "addprinc -randkey victim" >/dev/null
rc=0
ours <<<"$batch" >"$dir/ours.out" 2>"$dir/ours.err" || rc=$?
has "getprinc victim" "Principal does not exist" || fail "delprinc in a batch answered yes: not deleted"
grep -q "Are you sure you want to delete the principal \"victim@$REALM\"? (yes/no): Principal \"victim@$REALM\" deleted." "$dir/ours.out" ||
  fail "batch delprinc output: $(cat "$dir/ours.out")"
[[ $(<"$dir/ours.err") == "kadmin: line 3: get_principal: Principal does not exist while retrieving \"victim@$REALM\"." ]] ||
  fail "batch after delprinc: the answer was not taken as line 2 or line 3 was not run: $(cat "$dir/ours.err")"
[[ $rc == 1 ]] || fail "batch with a failed getprinc: exit $rc, wanted 1"

batch=$'delprinc victim\nno\ngetprinc -terse victim'
local_ "addprinc -randkey victim" >/dev/null
mits <<<"$batch" >"$dir/mits.out" 2>&1 || true
has "getprinc victim" "Principal: victim@" || fail "MIT's delprinc in a batch answered no: deleted"
grep -q "Principal \"victim@$REALM\" not deleted" "$dir/mits.out" || fail "MIT's batch 'no': $(cat "$dir/mits.out")"
ours <<<"$batch" >"$dir/ours.out" 2>"$dir/ours.err" || fail "batch delprinc answered no: failed"
has "getprinc victim" "Principal: victim@" || fail "delprinc in a batch answered no: deleted"
grep -q "Principal \"victim@$REALM\" not deleted" "$dir/ours.err" || fail "batch 'no': $(cat "$dir/ours.err")"
grep -q "(yes/no): \"victim@$REALM\""$'\t' "$dir/ours.out" || fail "batch 'no': the getprinc after it did not run: $(cat "$dir/ours.out")"
compare "delprinc -force" "" -q "delprinc -force victim"
grep -q "Are you sure" <<<"$a$ae" && fail "delprinc -force asked: $a $ae"
has "getprinc victim" "Principal does not exist" || fail "delprinc -force: not deleted"

if ((failures)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "kadmin_auth: ok"
