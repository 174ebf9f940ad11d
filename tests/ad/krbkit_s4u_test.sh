#!/usr/bin/env bash
# S4U against the Samba AD DC with krbkit's kinit, kvno and klist:
# S4U2Self (kvno -I / -U) by a service account, and S4U2Proxy (kvno -I -P)
# through classic constrained delegation (msDS-AllowedToDelegateTo of
# delegsvc names HTTP/web only, with protocol transition). The delegated
# ticket names the user as its client (krbkit's and MIT's klist) and the
# target service's keytab decrypts it (krbkit's and MIT's kvno -k); a service
# outside the allowed list, a non-forwardable TGT and an account without
# protocol transition are refused with the reason.
# shellcheck source-path=SCRIPTDIR source=test_lib.sh
. "$(dirname "$0")/test_lib.sh" || exit 1
# ticket_line CACHE SERVICE: the line after SERVICE's entry in klist -f
# ("for client ..., Flags: ...").
ticket_line() {
  "$bin/klist" -f -c "$1" | awk -v s="$2" '$1 ~ /\// && $NF == s { getline; print; exit }'
}
alice=$ALICE_PRINCIPAL
cc=FILE:$dir/cc-deleg
"$bin/kinit" -f -c "$cc" -k -t "$SVC_DELEG_KEYTAB" "$SVC_DELEG_ACCOUNT" || fail "kinit -f -k $SVC_DELEG_ACCOUNT"

# ---- S4U2Self: a ticket to ourselves for alice (PA-FOR-USER; Samba's KDC
# ignores PA-S4U-X509-USER) ----
out=$("$bin/kvno" -c "$cc" -I alice "$SVC_DELEG" 2>&1) || fail "kvno -I alice $SVC_DELEG: $out"
[[ $out == "$SVC_DELEG: kvno = "* ]] || fail "kvno -I alice printed: $out"
line=$(ticket_line "$cc" "$SVC_DELEG")
# delegsvc is trusted to authenticate for delegation: the ticket is forwardable.
[[ $line == *"for client $alice,"* && $line == *"Flags: F"* ]] || fail "S4U2Self ticket: $line"
out=$("$bin/kvno" -c "$cc" -k "$SVC_DELEG_KEYTAB" -I alice "$SVC_DELEG" 2>&1) || fail "kvno -k -I alice: $out"
[[ $out == *", keytab entry valid" ]] || fail "the S4U2Self ticket does not decrypt with $SVC_DELEG_KEYTAB: $out"
# --out-cache: a cache of alice's own (MIT's klist reads it).
out=$("$bin/kvno" -c "$cc" -I alice --out-cache "FILE:$dir/cc-alice-self" "$SVC_DELEG_ACCOUNT" 2>&1) ||
  fail "kvno -I alice --out-cache: $out"
mit=$(/usr/bin/klist -c "FILE:$dir/cc-alice-self")
[[ $mit == *"Default principal: $alice"* && $mit == *"$SVC_DELEG_ACCOUNT"* ]] || fail "MIT's klist of the out cache: $mit"

# -U: an enterprise name, the UPN that differs from bob's account name. AD
# finds bob by it and names the client as it was asked (as for MIT's kvno -U).
out=$("$bin/kvno" -c "$cc" -U "$BOB_UPN" "$SVC_DELEG" 2>&1) || fail "kvno -U $BOB_UPN: $out"
[[ $("$bin/klist" -c "$cc") == *"for client ${BOB_UPN/@/\\@}@$REALM"* ]] ||
  fail "no ticket for client $BOB_UPN: $("$bin/klist" -c "$cc")"
out=$("$bin/kvno" -c "$cc" -k "$SVC_DELEG_KEYTAB" -U "$BOB_UPN" "$SVC_DELEG" 2>&1) || fail "kvno -k -U: $out"
[[ $out == *", keytab entry valid" ]] || fail "kvno -k -U $BOB_UPN: $out"

# S4U2Self is for the requesting service itself: AD refuses another service.
if out=$("$bin/kvno" -c "$cc" -I alice "$SVC_RC4" 2>&1); then fail "S4U2Self to $SVC_RC4 worked"; fi
[[ $out == *"S4U2Self gives tickets to the requesting service only: $SVC_DELEG_ACCOUNT asked for $SVC_RC4"* ]] ||
  fail "S4U2Self to another service: $out"

# A user AD does not have.
if out=$("$bin/kvno" -c "$cc" -I nosuchuser "$SVC_DELEG" 2>&1); then fail "S4U2Self for an unknown user worked"; fi
[[ $out == *"Client not found in Kerberos database"* ]] || fail "S4U2Self for an unknown user: $out"

# ---- S4U2Proxy: alice's ticket to HTTP/web, which delegsvc may delegate to ----
out=$("$bin/kvno" -c "$cc" -I alice -P "$SVC_AES" 2>&1) || fail "kvno -I alice -P $SVC_AES: $out"
[[ $out == *"$SVC_AES: kvno = "* ]] || fail "kvno -I alice -P printed: $out"
line=$(ticket_line "$cc" "$SVC_AES")
[[ $line == *"for client $alice,"* ]] || fail "the delegated ticket's client: $line"
# HTTP/web's keytab decrypts the delegated ticket.
out=$("$bin/kvno" -c "$cc" -k "$SVC_AES_KEYTAB" -I alice -P "$SVC_AES" 2>&1) || fail "kvno -k -I -P: $out"
[[ $out == *"$SVC_AES: kvno = "*", keytab entry valid" ]] || fail "kvno -k $SVC_AES_KEYTAB -I alice -P: $out"
# In a cache of alice's, MIT's klist and kvno -k see a ticket of alice's for HTTP/web.
out=$("$bin/kvno" -c "$cc" -I alice -P --out-cache "FILE:$dir/cc-alice" "$SVC_AES" 2>&1) ||
  fail "kvno -I -P --out-cache: $out"
mit=$(/usr/bin/klist -e -c "FILE:$dir/cc-alice")
[[ $mit == *"Default principal: $alice"* && $mit == *"$SVC_AES"* ]] || fail "MIT's klist of the delegated cache: $mit"
mit=$(KRB5CCNAME=FILE:$dir/cc-alice /usr/bin/kvno -k "$SVC_AES_KEYTAB" "$SVC_AES" 2>&1) ||
  fail "MIT's kvno -k with the delegated ticket: $mit"
[[ $mit == *"keytab entry valid"* ]] || fail "MIT's kvno -k: $mit"

# -U -P: bob by his UPN, delegated the same way (the client named as asked, as MIT's kvno does).
out=$("$bin/kvno" -c "$cc" -k "$SVC_AES_KEYTAB" -U "$BOB_UPN" -P "$SVC_AES" 2>&1) || fail "kvno -U -P: $out"
[[ $out == *", keytab entry valid" ]] || fail "kvno -k -U $BOB_UPN -P: $out"
[[ $("$bin/klist" -c "$cc") == *"$SVC_AES"$'\n\t'"for client ${BOB_UPN/@/\\@}@$REALM"* ]] ||
  fail "no delegated ticket for $BOB_UPN: $("$bin/klist" -c "$cc")"

# A service outside msDS-AllowedToDelegateTo: refused, and kvno says why.
if out=$("$bin/kvno" -c "$cc" -I alice -P "$SVC_RC4" 2>&1); then fail "delegation to $SVC_RC4 was allowed"; fi
[[ $out == *"constrained delegation refused: $SVC_DELEG_ACCOUNT may not delegate $alice to $SVC_RC4"* &&
  $out == *"msDS-AllowedToDelegateTo"* ]] || fail "refused delegation to $SVC_RC4: $out"
[[ $("$bin/klist" -c "$cc") != *"$SVC_RC4"* ]] || fail "a ticket for $SVC_RC4 was stored"

# A TGT that is not forwardable gives a non-forwardable S4U2Self ticket (no
# error: kvno asks forwardable only as the TGT is), which cannot be evidence.
nf=FILE:$dir/cc-notfwd
"$bin/kinit" -F -c "$nf" -k -t "$SVC_DELEG_KEYTAB" "$SVC_DELEG_ACCOUNT" || fail "kinit -F -k $SVC_DELEG_ACCOUNT"
out=$("$bin/kvno" -c "$nf" -I alice "$SVC_DELEG" 2>&1) || fail "S4U2Self with a non-forwardable TGT: $out"
line=$(ticket_line "$nf" "$SVC_DELEG")
[[ $line == *"for client $alice,"* && $line != *"Flags: F"* ]] || fail "S4U2Self from a non-forwardable TGT: $line"
if out=$("$bin/kvno" -c "$nf" -I alice -P "$SVC_AES" 2>&1); then fail "S4U2Proxy from a non-forwardable TGT worked"; fi
[[ $out == *"the TGT of $SVC_DELEG_ACCOUNT is not: kinit -f"* ]] || fail "non-forwardable TGT: $out"

# kcdsvc may delegate to HTTP/web, but without protocol transition: its
# S4U2Self ticket is not forwardable, so AD refuses the S4U2Proxy step.
kcd=FILE:$dir/cc-kcd
"$bin/kinit" -f -c "$kcd" -k -t "$SVC_KCD_KEYTAB" "$SVC_KCD_ACCOUNT" || fail "kinit -f -k $SVC_KCD_ACCOUNT"
if out=$("$bin/kvno" -c "$kcd" -I alice -P "$SVC_AES" 2>&1); then fail "kcdsvc delegated without protocol transition"; fi
[[ $out == *"not trusted to authenticate for delegation"* ]] || fail "kcdsvc S4U2Proxy: $out"
line=$(ticket_line "$kcd" "$SVC_KCD_ACCOUNT")
[[ $line == *"for client $alice,"* && $line != *"Flags: F"* ]] || fail "kcdsvc's S4U2Self ticket: $line; $("$bin/klist" -f -c "$kcd")"
echo "krbkit S4U against AD passed"
