#!/usr/bin/env bash
# Every tool's --json output against the schemas in man/json/ (described in
# krbkit-json(7)), with python3-jsonschema: for kinit, klist, kvno, kpasswd,
# kadmin, kdiag, kdestroy and kswitch a success case (the document on
# standard output) and an error case (exactly one JSON error object line on
# standard error, with the tool's exit status in it), against one MIT realm.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh
schemas=$src/man/json
validate=$src/tests/support/validate_json.py
# Debian's python3 and its python3-jsonschema (scripts/bootstrap), whatever python3 is first on PATH.
py=/usr/bin/python3
# shellcheck source=lib/throwaway_realm.sh
. "$src/tests/shell/lib/throwaway_realm.sh"
start_throwaway_realm json >/dev/null
export TZ=UTC

# ok KIND EXPECTED-STATUS TOOL ARGS... (stdin passed on): the tool exits
# EXPECTED-STATUS, its stdout is a valid KIND document, its stderr is empty.
ok() {
  local kind=$1 want=$2 tool=$3 status=0
  shift 3
  "$bin/$tool" "$@" >"$dir/out" 2>"$dir/err" || status=$?
  [[ $status == "$want" ]] || fail "$tool $*: exit $status, wanted $want: $(cat "$dir/err")"
  "$py" "$validate" "$schemas" "$kind" "$dir/out" || fail "$tool $*: stdout is no valid $kind document: $(cat "$dir/out")"
  [[ ! -s $dir/err ]] || fail "$tool $*: stderr is not empty: $(cat "$dir/err")"
}
# err CODE STATUS TOOL ARGS...: the tool exits STATUS and its stderr is one
# valid error object of that code and exit status; prints the object.
err() {
  local code=$1 want=$2 tool=$3 status=0
  shift 3
  "$bin/$tool" "$@" >"$dir/out" 2>"$dir/err" || status=$?
  [[ $status == "$want" ]] || fail "$tool $*: exit $status, wanted $want: $(cat "$dir/err")"
  "$py" "$validate" "$schemas" --error "$dir/err" || fail "$tool $*: stderr is no valid error object: $(cat "$dir/err")"
  field code <"$dir/err" | grep -qx -- "$code" || fail "$tool $*: error code is not $code: $(cat "$dir/err")"
  field exit_code <"$dir/err" | grep -qx -- "$want" || fail "$tool $*: exit_code is not $want: $(cat "$dir/err")"
}
# field NAME: error.NAME of the error object on stdin ("" for null).
field() { "$py" -c 'import json, sys; v = json.load(sys.stdin)["error"][sys.argv[1]]; print("" if v is None else v)' "$1"; }
# member PATH FILE: a member of a document, by a Python expression on d.
member() { "$py" -c 'import json, sys; d = json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$2"; }

cc=FILE:$dir/cc
# --- kinit ---
ok kinit 0 kinit --json -c "$cc" -r 2h "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD"
[[ $(member 'd["principal"], d["mode"], d["preauth"], d["fast"]' "$dir/out") == "('$ALICE_PRINCIPAL', 'initial', 'encrypted-timestamp', False)" ]] ||
  fail "kinit --json: $(cat "$dir/out")"
[[ $(member 'd["kdc"]' "$dir/out") == "127.0.0.1:$KDC_PORT/"* ]] || fail "kinit --json names no KDC: $(cat "$dir/out")"
[[ $(member 'd["ticket"]["server"]' "$dir/out") == "krbtgt/$REALM@$REALM" ]] || fail "kinit --json ticket: $(cat "$dir/out")"
ok kinit 0 kinit --json -R -c "$cc"
[[ $(member 'd["mode"]' "$dir/out") == renew ]] || fail "kinit -R --json: $(cat "$dir/out")"
err KDC_ERR_PREAUTH_FAILED 3 kinit --json -c "FILE:$dir/cc-bad" "$ALICE_PRINCIPAL" <<<"wrong-password"
[[ $(field principal <"$dir/err") == "$ALICE_PRINCIPAL" && $(field realm <"$dir/err") == "$REALM" ]] ||
  fail "kinit error names no principal/realm: $(cat "$dir/err")"
[[ $(field kdc <"$dir/err") == "127.0.0.1:$KDC_PORT/"* && -n $(field kdc_time <"$dir/err") ]] ||
  fail "kinit error names no KDC or KDC time: $(cat "$dir/err")"
err KRBKIT_INVALID_ARGUMENT 2 kinit --json --no-such-option

# --- klist ---
ok klist 0 klist --json -c "$cc"
ok klist-keytab 0 klist --json -k "$HOST_KEYTAB"
err KRBKIT_CCACHE_NOT_FOUND 8 klist --json -c "FILE:$dir/none"
coll=DIR:$dir/coll
mkdir -p "$dir/coll"
"$bin/kinit" -c "$coll" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" >/dev/null
ok klist-collection 0 klist --json -l -c "$coll"
ok klist-all 0 klist --json -A -c "$coll"

# --- kvno (one object per service in "services") ---
ok kvno 0 kvno --json -c "$cc" "$HOST_PRINCIPAL"
err KDC_ERR_S_PRINCIPAL_UNKNOWN 1 kvno --json -c "$cc" "nosuch/service@$REALM"
# A TGS error names the KDC that sent it and the KDC's time, as an AS error does.
[[ $(field kdc <"$dir/err") == "127.0.0.1:$KDC_PORT/"* && -n $(field kdc_time <"$dir/err") ]] ||
  fail "kvno error names no KDC or KDC time: $(cat "$dir/err")"
"$py" "$validate" "$schemas" kvno "$dir/out" || fail "kvno --json with a failed service: $(cat "$dir/out")"
ok kvno-audit 0 kvno --json --audit -c "$cc" -k "$HOST_KEYTAB"
err KRBKIT_KEYTAB_NOT_FOUND 9 kvno --json --audit -c "$cc" -k "$dir/none.keytab"

# --- kpasswd ---
ok kpasswd 0 kpasswd --json "$CAROL_PRINCIPAL" <<<"$CAROL_PASSWORD"$'\n'"carol-pw-2-Longer"$'\n'"carol-pw-2-Longer"
err KDC_ERR_PREAUTH_FAILED 3 kpasswd --json "$ALICE_PRINCIPAL" <<<"wrong"$'\n'"x-pw-2-Longer"$'\n'"x-pw-2-Longer"
"$py" "$validate" "$schemas" kpasswd "$dir/out" || fail "kpasswd --json after an error: $(cat "$dir/out")"

# --- kadmin ---
ok kadmin-principal 0 kadmin -p admin/admin -w "$ADMIN_PASSWORD" --json -q "getprinc alice"
ok kadmin-policy 0 kadmin -p admin/admin -w "$ADMIN_PASSWORD" --json -q "getpol default"
ok kadmin-privileges 0 kadmin -p admin/admin -w "$ADMIN_PASSWORD" --json -q "get_privs"
ok kadmin-names 0 kadmin -p admin/admin -w "$ADMIN_PASSWORD" --json -q "listprincs"
[[ $(member '"alice@" + "'$REALM'" in d["principals"]' "$dir/out") == True ]] || fail "listprincs --json: $(cat "$dir/out")"
ok kadmin-names 0 kadmin -p admin/admin -w "$ADMIN_PASSWORD" --json -q "listpols"
[[ $(member '"default" in d["policies"]' "$dir/out") == True ]] || fail "listpols --json: $(cat "$dir/out")"
"$bin/kadmin" -p admin/admin -w "$ADMIN_PASSWORD" -q "setstr alice schema one" >/dev/null
ok kadmin-strings 0 kadmin -p admin/admin -w "$ADMIN_PASSWORD" --json -q "getstrs alice"
[[ $(member 'd["schema"], d["attributes"]' "$dir/out") == "(1, {'schema': 'one'})" ]] || fail "getstrs --json: $(cat "$dir/out")"
err KADM5_BAD_PASSWORD 3 kadmin -p admin/admin -w wrong-password --json -q "get_privs"
"$bin/kadmin" -p admin/admin -w "$ADMIN_PASSWORD" --json -q "getprinc nobody" >"$dir/out" 2>"$dir/err" || true
"$py" "$validate" "$schemas" --error "$dir/err" || fail "kadmin getprinc nobody: $(cat "$dir/err")"
field code <"$dir/err" | grep -qx KADM5_UNK_PRINC || fail "kadmin getprinc nobody: $(cat "$dir/err")"

# --- kdiag ---
ok kdiag 0 kdiag --json "$REALM"
err KRBKIT_INVALID_ARGUMENT 2 kdiag --json --no-such-option

# --- kswitch ---
bob_cache=$(member 'd["caches"][0]["cache"]' <("$bin/klist" --json -l -c "$coll"))
ok kswitch 0 kswitch --json -c "$bob_cache"
[[ $(member 'd["primary"], d["principal"]' "$dir/out") == "('$bob_cache', '$BOB_PRINCIPAL')" ]] || fail "kswitch --json: $(cat "$dir/out")"
err KRBKIT_CCACHE_NOT_FOUND 8 kswitch --json -c "FILE:$dir/none"

# --- kdestroy ---
ok kdestroy 0 kdestroy --json -c "$cc"
[[ $(member 'd["destroyed"][0]["principal"]' "$dir/out") == "$ALICE_PRINCIPAL" ]] || fail "kdestroy --json: $(cat "$dir/out")"
ok kdestroy 0 kdestroy --json -A -c "$coll"
[[ $(member 'len(d["destroyed"])' "$dir/out") == 1 ]] || fail "kdestroy -A --json: $(cat "$dir/out")"

# The schemas catch a renamed member and a missing one.
"$py" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["caches"] = d.pop("destroyed"); print(json.dumps(d))' \
  "$dir/out" >"$dir/renamed"
! "$py" "$validate" "$schemas" kdestroy "$dir/renamed" 2>/dev/null || fail "a renamed member passes the schema"
printf '{"schema":1,"error":{"code":"X","exit_code":1,"message":"m","principal":null,"realm":null,"kdc":null}}\n' >"$dir/short"
! "$py" "$validate" "$schemas" --error "$dir/short" 2>/dev/null || fail "an error object without kdc_time passes the schema"
err KRBKIT_INVALID_ARGUMENT 2 kdestroy --json -A -p "$BOB_PRINCIPAL"

if ((failures)); then
  echo "$failures failed" >&2
  exit 1
fi
echo "json schemas: every document valid"
