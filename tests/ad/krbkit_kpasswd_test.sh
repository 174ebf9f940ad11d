#!/usr/bin/env bash
# krbkit's kpasswd and kinit's expired-password flow against the Samba AD DC:
# carol changes her own password (RFC 3244 change over kadmin/changepw) and
# only the new one logs in; the Administrator resets dave's password
# (set-password, kpasswd --admin-principal) and a normal user may not; AD's
# policy blob becomes the reason, word for word what MIT's kpasswd prints,
# with exit status 2 (too short, not complex enough); expuser, who must
# change the password at the next logon, changes it inside kinit (the old
# password, then the new one twice on stdin) and gets the TGT.
# shellcheck source-path=SCRIPTDIR source=test_lib.sh
. "$(dirname "$0")/test_lib.sh" || exit 1

cc=FILE:$dir/cc-krbkit
# lines A B C...: the arguments one a line, for stdin.
lines() { printf '%s\n' "$@"; }
# logs_in PRINCIPAL PASSWORD: krbkit's kinit (and MIT's) accept the password.
logs_in() {
  lines "$2" | "$bin/kinit" -c "$cc" "$1" >/dev/null 2>&1 &&
    lines "$2" | KRB5CCNAME=FILE:$dir/cc-mit /usr/bin/kinit "$1" >/dev/null 2>&1
}
# refused PRINCIPAL PASSWORD: krbkit's kinit says the password is wrong (exit 3).
refused() {
  local rc=0
  lines "$2" | "$bin/kinit" -c "$cc" "$1" >/dev/null 2>&1 || rc=$?
  ((rc == 3))
}

# ---- carol changes her own password ----
new_carol='Carol-New-Pass-2'
out=$(lines "$CAROL_PASSWORD" "$new_carol" "$new_carol" | "$bin/kpasswd" "$CAROL_PRINCIPAL" 2>&1) ||
  fail "kpasswd $CAROL_PRINCIPAL: $out"
[[ $out == *"Password changed."* ]] || fail "kpasswd $CAROL_PRINCIPAL printed: $out"
logs_in "$CAROL_PRINCIPAL" "$new_carol" || fail "carol's new password does not log in"
refused "$CAROL_PRINCIPAL" "$CAROL_PASSWORD" || fail "carol's old password still logs in"

# ---- AD's policy, decoded from the soft error's blob: the same words as
# MIT's kpasswd (which prints the prompts too: keep its last line) ----
# policy NEWPASSWORD: krbkit's kpasswd is refused with exit 2 and MIT's text.
policy() {
  local rc=0 mine mit
  mine=$(lines "$new_carol" "$1" "$1" | "$bin/kpasswd" "$CAROL_PRINCIPAL" 2>&1) || rc=$?
  ((rc == 2)) || fail "kpasswd with '$1': exit $rc, expected 2: $mine"
  mit=$(lines "$new_carol" "$1" "$1" | /usr/bin/kpasswd "$CAROL_PRINCIPAL" 2>&1 | tail -1) || true
  [[ $mit == "Password change rejected: "* ]] || fail "MIT's kpasswd with '$1' said: $mit"
  [[ $mine == *"$mit"* ]] || fail "kpasswd with '$1' said '$mine'; MIT's kpasswd says '$mit'"
  echo "$mine"
}
out=$(policy 'Sh0rt')
[[ $out == *"Password too short, password must be at least 7 characters long."* ]] || fail "too short: $out"
out=$(policy 'alllowercaseletters')
[[ $out == *"complexity"* ]] || fail "not complex: $out"
# --json: the result code and AD's reason.
rc=0
json=$(lines "$new_carol" 'Sh0rt' 'Sh0rt' | "$bin/kpasswd" --json "$CAROL_PRINCIPAL" 2>/dev/null) || rc=$?
((rc == 2)) || fail "kpasswd --json of a short password: exit $rc"
got=$(echo "$json" | /usr/bin/python3 -c 'import json, sys
r = json.load(sys.stdin)
print(r["changed"], r["result_code"], r["message"])')
[[ $got == "False 4 Password too short, password must be at least 7 characters long." ]] ||
  fail "kpasswd --json: $json"
logs_in "$CAROL_PRINCIPAL" "$new_carol" || fail "a refused change altered carol's password"

# ---- the Administrator resets dave's password (set-password) ----
new_dave='Dave-Reset-Pass-2'
out=$(lines "$ADMIN_PASSWORD" "$new_dave" "$new_dave" |
  "$bin/kpasswd" --admin-principal "$ADMIN_PRINCIPAL" "$DAVE_PRINCIPAL" 2>&1) ||
  fail "kpasswd --admin-principal $ADMIN_PRINCIPAL $DAVE_PRINCIPAL: $out"
[[ $out == *"Password changed."* ]] || fail "admin reset printed: $out"
logs_in "$DAVE_PRINCIPAL" "$new_dave" || fail "dave's reset password does not log in"
refused "$DAVE_PRINCIPAL" "$DAVE_PASSWORD" || fail "dave's old password still logs in"
# The reset obeys the policy too.
rc=0
out=$(lines "$ADMIN_PASSWORD" 'Sh0rt' 'Sh0rt' |
  "$bin/kpasswd" --admin-principal "$ADMIN_PRINCIPAL" "$DAVE_PRINCIPAL" 2>&1) || rc=$?
[[ $rc == 2 && $out == *"Password too short"* ]] || fail "admin reset to a short password: exit $rc: $out"
# alice is no administrator: AD refuses her set-password for dave.
rc=0
out=$(lines "$ALICE_PASSWORD" 'Dave-By-Alice-3' 'Dave-By-Alice-3' |
  "$bin/kpasswd" --admin-principal "$ALICE_PRINCIPAL" "$DAVE_PRINCIPAL" 2>&1) || rc=$?
[[ $rc == 2 && $out == *"Access denied"* ]] || fail "alice resetting dave's password: exit $rc: $out"
logs_in "$DAVE_PRINCIPAL" "$new_dave" || fail "alice's refused reset altered dave's password"

# ---- kinit: an expired password (must change at next logon) ----
# Only the old password on stdin: the expiry banner shows, then the input ends
# before a new password, which fails as MIT's kinit does (exit 1, "Cannot read
# password"); nothing changes.
rc=0
out=$(lines "$EXP_PASSWORD" | "$bin/kinit" -c "$cc" "$EXP_PRINCIPAL" 2>&1) || rc=$?
((rc == 1)) || fail "kinit of an expired password with no new one: exit $rc: $out"
[[ $out == *"Cannot read password for '$EXP_PRINCIPAL'"* ]] || fail "no 'Cannot read password' line: $out"
[[ $out == *"Password expired.  You must change it now."* ]] || fail "no expiry banner: $out"
# A new password AD refuses: kinit says why and asks again (MIT's words).
new_exp='Exp-New-Pass-2'
out=$(lines "$EXP_PASSWORD" 'Sh0rt' 'Sh0rt' "$new_exp" "$new_exp" | "$bin/kinit" -c "$cc" "$EXP_PRINCIPAL" 2>&1) ||
  fail "kinit with an expired password, a refused and then a good new one: $out"
[[ $out == *"Password change rejected: Password too short"*"Please try again."* ]] ||
  fail "kinit did not say why the first new password was refused: $out"
list=$("$bin/klist" -c "$cc")
[[ $list == *"Default principal: $EXP_PRINCIPAL"$'\n'* && $list == *"krbtgt/$REALM@$REALM"* ]] ||
  fail "no TGT for $EXP_PRINCIPAL: $list"
logs_in "$EXP_PRINCIPAL" "$new_exp" || fail "expuser's new password does not log in"
refused "$EXP_PRINCIPAL" "$EXP_PASSWORD" || fail "expuser's old password still logs in"
echo "krbkit kpasswd against AD passed"
