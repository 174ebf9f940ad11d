#!/usr/bin/env bash
# krbkit's kvno against the Samba AD DC: a service ticket for each SPN
# account (AES only, RC4 only, AD's default), the ticket and session-key
# enctypes as krbkit's klist -e shows them (and as MIT's klist names them),
# the key version numbers MIT's kvno reports, and kvno -k with the keytabs
# samba-tool exported (right keytab valid; another service's keytab and a
# keytab with a wrong key refused).
# shellcheck source-path=SCRIPTDIR source=test_lib.sh
. "$(dirname "$0")/test_lib.sh" || exit 1
cc=FILE:$dir/cc-krbkit
echo "$ALICE_PASSWORD" | "$bin/kinit" -c "$cc" "$ALICE_PRINCIPAL" >/dev/null || fail "kinit $ALICE_PRINCIPAL"

# etypes SERVICE [KLIST]: "skey, tkt" from klist -e (krbkit's by default;
# after "renew until ..., " on the same line for a renewable ticket)
# for SERVICE's ticket.
etypes() {
  "${2:-$bin/klist}" -e -c "$cc" |
    awk -v s="$1" '$1 ~ /\// && $NF == s { getline; sub(/^.*Etype \(skey, tkt\): /, ""); sub(/ +$/, ""); print; exit }'
}
mit_etypes() { etypes "$1" /usr/bin/klist; }

# SERVICE  KEYTAB  expected "session key, ticket" enctypes
check_service() {
  local svc=$1 keytab=$2 want=$3 out mit_kvno
  out=$("$bin/kvno" -c "$cc" "$svc" 2>&1) || fail "kvno $svc: $out"
  # MIT's kvno on a cache of its own says which kvno the KDC has.
  mit_kvno=$(KRB5CCNAME=FILE:$dir/cc-mit /usr/bin/kvno "$svc" | sed -n 's/.*: kvno = //p')
  [[ -n $mit_kvno && $out == "$svc: kvno = $mit_kvno" ]] || fail "kvno $svc printed '$out', MIT's kvno says $mit_kvno"
  [[ $(etypes "$svc") == "$want" ]] || fail "$svc: klist -e shows '$(etypes "$svc")', expected '$want'"
  [[ $(mit_etypes "$svc") == "$want" ]] || fail "$svc: MIT's klist -e shows '$(mit_etypes "$svc")'"
  # A second kvno reuses the cached ticket: still one entry for the service.
  "$bin/kvno" -q -c "$cc" "$svc" || fail "second kvno $svc"
  local n
  n=$("$bin/klist" -c "$cc" | awk -v s="$svc" '$NF == s' | wc -l)
  ((n == 1)) || fail "$svc appears $n times in the cache"
  out=$("$bin/kvno" -c "$cc" -k "$keytab" "$svc" 2>&1) || fail "kvno -k $keytab $svc: $out"
  [[ $out == "$svc: kvno = $mit_kvno, keytab entry valid" ]] || fail "kvno -k $keytab $svc printed '$out'"
  last_kvno=$mit_kvno
}

echo "$ALICE_PASSWORD" | KRB5CCNAME=FILE:$dir/cc-mit /usr/bin/kinit "$ALICE_PRINCIPAL" >/dev/null
# msDS-SupportedEncryptionTypes 24: AES ticket, AES session key.
check_service "$SVC_AES" "$SVC_AES_KEYTAB" "aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96"
aes_kvno=$last_kvno
# msDS-SupportedEncryptionTypes 4: RC4 ticket and RC4 session key.
check_service "$SVC_RC4" "$SVC_RC4_KEYTAB" "DEPRECATED:arcfour-hmac, DEPRECATED:arcfour-hmac"
# Attribute unset (AD's default): RC4 ticket, AES256 session key.
check_service "$SVC_DEFAULT" "$SVC_DEFAULT_KEYTAB" "aes256-cts-hmac-sha1-96, DEPRECATED:arcfour-hmac"

# The service account's own name (websvc has an SPN, so AD issues tickets to
# it) is the same key as its SPN.
out=$("$bin/kvno" -c "$cc" -k "$SVC_AES_KEYTAB" "websvc@$REALM" 2>&1) || fail "kvno -k websvc@$REALM: $out"
[[ $out == *"websvc@$REALM: kvno = "*", keytab entry valid" ]] || fail "kvno websvc: $out"

# --json names the enctypes as klist does (without MIT's DEPRECATED: prefix).
json=$("$bin/kvno" --json -c "$cc" -k "$SVC_RC4_KEYTAB" "$SVC_RC4")
got=$(echo "$json" | /usr/bin/python3 -c 'import json, sys
r = json.load(sys.stdin)["services"][0]
print(r["ticket_enctype"], r["session_enctype"], r["keytab_valid"])')
[[ $got == "arcfour-hmac arcfour-hmac True" ]] || fail "kvno --json $SVC_RC4: $json"

# Another service's keytab has no key for this ticket.
if out=$("$bin/kvno" -c "$cc" -k "$SVC_AES_KEYTAB" "$SVC_RC4" 2>&1); then
  fail "kvno -k $SVC_AES_KEYTAB accepted the ticket for $SVC_RC4: $out"
fi
[[ $out == *"No suitable key found in keytab"*"$SVC_RC4"* ]] || fail "wrong keytab for $SVC_RC4: $out"

# The right name, kvno and enctype, but a key made from another password.
printf 'addent -password -p %s -k %s -e aes256-cts-hmac-sha1-96\nWrong-Pass-9\nwkt %s\nquit\n' \
  "$SVC_AES" "$aes_kvno" "$dir/wrong.keytab" | /usr/bin/ktutil >/dev/null 2>&1
[[ -s $dir/wrong.keytab ]] || fail "MIT's ktutil did not write $dir/wrong.keytab"
if out=$("$bin/kvno" -c "$cc" -k "$dir/wrong.keytab" "$SVC_AES" 2>&1); then
  fail "a keytab with a wrong key verified the ticket for $SVC_AES: $out"
fi
[[ $out == *"Decrypt integrity check failed"* ]] || fail "wrong key for $SVC_AES: $out"

# An SPN AD does not know: the KDC's error, exit status 1.
if out=$("$bin/kvno" -c "$cc" "HTTP/nowhere.$DNS_DOMAIN@$REALM" 2>&1); then fail "kvno of an unknown SPN succeeded"; fi
[[ $out == *"not found in Kerberos database"* ]] || fail "unknown SPN: $out"
# kvno --audit: AD knows an SPN only as a service, so its entries are
# checked through a service ticket (with alice's TGT); the account name's
# through AS. The keytabs samba-tool exported match the DC.
audit() { "$bin/kvno" --audit -c "$cc" "$@"; }
# audit_statuses KEYTAB: "principal kvno enctype status" per entry, from --json.
audit_statuses() {
  audit --json -k "$1" | /usr/bin/python3 -c 'import json, sys
for e in json.load(sys.stdin)["entries"]: print(e["principal"], e["kvno"], e["enctype"], e["status"])'
}
out=$(audit -k "$SVC_AES_KEYTAB" 2>&1) || fail "kvno --audit of the exported $SVC_AES_KEYTAB: $out"
[[ $out == *"$SVC_AES  "*"aes256-cts-hmac-sha1-96  ok      the key decrypts a service ticket from the KDC"* ]] ||
  fail "the SPN's key was not checked through its ticket: $out"
[[ $out == *"OK: every entry matches the KDC" ]] || fail "kvno --audit $SVC_AES_KEYTAB: $out"
out=$(audit -k "$MACHINE_KEYTAB" 2>&1) || fail "kvno --audit of the machine keytab: $out"
# Without a TGT an SPN cannot be asked for: unknown, exit 4, and the detail says why.
rc=0
out=$("$bin/kvno" --audit -c "FILE:$dir/no-such-cache" -k "$SVC_AES_KEYTAB" 2>&1) || rc=$?
((rc == 4)) || fail "kvno --audit without a TGT exited $rc: $out"
[[ $out == *"without a TGT it was not asked for as a service: kinit first"* ]] || fail "no TGT: $out"

# The machine's password changes on the DC (as a domain member's does every
# 30 days): the old keytab's entries, account name and SPN, are stale (exit
# 17), with the kvno MIT's kvno reports; a keytab exported afterwards matches.
cp "$MACHINE_KEYTAB" "$dir/ws1-old.keytab"
samba-tool user setpassword 'WS1$' --newpassword='Ws1-Machine-Pass-2' -s "$SMB_CONF" >/dev/null ||
  fail "samba-tool could not change the password of WS1\$"
new_kvno=$(KRB5CCNAME=FILE:$dir/cc-mit /usr/bin/kvno "$MACHINE_PRINCIPAL" | sed -n 's/.*: kvno = //p')
rc=0
got=$(audit_statuses "$dir/ws1-old.keytab") || rc=$?
((rc == 17)) || fail "kvno --audit of the machine keytab after the password change exited $rc"
while read -r principal kvno enctype status; do
  [[ $status == stale-kvno ]] || fail "$principal $enctype (kvno $kvno) is $status after the password change"
done <<<"$got"
(($(wc -l <<<"$got") == 6)) || fail "the machine keytab's six entries were not all audited: $got"
out=$(audit -k "$dir/ws1-old.keytab" 2>&1) || true
[[ $out == *"the KDC's key is kvno $new_kvno, not 2"* ]] || fail "MIT's kvno says $new_kvno: $out"
samba-tool domain exportkeytab "$dir/ws1-new.keytab" --principal='WS1$' -s "$SMB_CONF" >/dev/null
samba-tool domain exportkeytab "$dir/ws1-new.keytab" --principal="host/ws1.$DNS_DOMAIN" -s "$SMB_CONF" >/dev/null
out=$(audit -k "$dir/ws1-new.keytab" 2>&1) || fail "kvno --audit of the re-exported machine keytab: $out"
echo "krbkit kvno against AD passed"
