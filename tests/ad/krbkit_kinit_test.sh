#!/usr/bin/env bash
# krbkit's kinit and klist against the Samba AD DC: password and keytab
# logins (AD salts from etype-info2, AS-REPs too big for UDP), a UPN login
# with -E (canonicalised to the account), the RC4-only account, the machine
# account, FAST with the machine account's TGT as armor, and klist -e
# showing the enctypes.
# shellcheck source-path=SCRIPTDIR source=test_lib.sh
. "$(dirname "$0")/test_lib.sh" || exit 1
cc=FILE:$dir/cc-krbkit
principal() { "$bin/klist" -c "$cc" | sed -n 's/^Default principal: //p'; }

echo "$ALICE_PASSWORD" | "$bin/kinit" -c "$cc" "$ALICE_PRINCIPAL" >/dev/null || fail "kinit $ALICE_PRINCIPAL (password)"
[[ $("$bin/klist" -e -c "$cc") == *"Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96"* ]] ||
  fail "alice's TGT is not aes256/aes256: $("$bin/klist" -e -c "$cc")"
"$bin/kinit" -c "$cc" -k -t "$ALICE_KEYTAB" "$ALICE_PRINCIPAL" || fail "kinit -k -t $ALICE_KEYTAB"
[[ $(principal) == "$ALICE_PRINCIPAL" ]] || fail "keytab login stored $(principal)"

echo "$BOB_PASSWORD" | "$bin/kinit" -c "$cc" -E "$BOB_UPN" >/dev/null || fail "kinit -E $BOB_UPN (salt $BOB_SALT)"
[[ $(principal) == "$BOB_PRINCIPAL" ]] || fail "UPN login stored $(principal), not $BOB_PRINCIPAL"

echo "$RC4_PASSWORD" | "$bin/kinit" -c "$cc" "$RC4_PRINCIPAL" >/dev/null || fail "kinit $RC4_PRINCIPAL (RC4 pre-auth)"
[[ $(principal) == "$RC4_PRINCIPAL" ]] || fail "rc4only login stored $(principal)"
"$bin/kinit" -c "$cc" -k -t "$RC4_KEYTAB" "$RC4_PRINCIPAL" || fail "kinit -k -t $RC4_KEYTAB (RC4 key only)"

"$bin/kinit" -c "$cc" -k -t "$MACHINE_KEYTAB" "$MACHINE_PRINCIPAL" || fail "kinit -k -t $MACHINE_KEYTAB $MACHINE_PRINCIPAL"
[[ $(principal) == "$MACHINE_PRINCIPAL" ]] || fail "machine login stored $(principal)"

# FAST (kinit -T) with the machine account's TGT as armor, as a domain
# member armors its users' logins; MIT's kinit -T side by side.
armor=FILE:$dir/cc-armor
"$bin/kinit" -c "$armor" -k -t "$MACHINE_KEYTAB" "$MACHINE_PRINCIPAL" || fail "machine armor login"
for tool in "$bin/kinit" /usr/bin/kinit; do
  echo "$ALICE_PASSWORD" | "$tool" -T "$armor" -c "$cc" "$ALICE_PRINCIPAL" >/dev/null ||
    fail "$tool -T (machine armor) $ALICE_PRINCIPAL"
  [[ $(/usr/bin/klist -C "$cc") == *"pa_type(krbtgt/$REALM@$REALM) = 138"* ]] ||
    fail "$tool -T: no pa_type 138: $(/usr/bin/klist -C "$cc")"
done
"$bin/kvno" -c "$cc" "$MACHINE_PRINCIPAL" >/dev/null || fail "kvno through the armored TGT"
if out=$(echo wrong-Pass-1 | "$bin/kinit" -T "$armor" -c "$cc" "$ALICE_PRINCIPAL" 2>&1); then
  fail "a wrong password was accepted under FAST"
fi
[[ $out == *"Password incorrect"* || $out == *"Preauthentication failed"* ]] || fail "wrong password under FAST: $out"

if out=$(echo wrong-Pass-1 | "$bin/kinit" -c "$cc" "$ALICE_PRINCIPAL" 2>&1); then fail "a wrong password was accepted"; fi
if out=$(echo "$DIS_PASSWORD" | "$bin/kinit" -c "$cc" "$DIS_PRINCIPAL" 2>&1); then fail "the disabled user logged in"; fi
# AD's NTSTATUS says why, more precisely than KDC_ERR_CLIENT_REVOKED does.
[[ $out == *"Account disabled for '$DIS_PRINCIPAL'"* ]] || fail "disabled user: $out"

# A realm typed in lower case: AD answers with the canonical upper-case realm.
lower_realm_principal="${ALICE_PRINCIPAL%@*}@${REALM,,}"
echo "$ALICE_PASSWORD" | "$bin/kinit" -c "$cc" "$lower_realm_principal" >/dev/null ||
  fail "kinit $lower_realm_principal (lower-case realm)"
echo "krbkit kinit against AD passed"
