#!/usr/bin/env bash
# klist --decode / kvno --decode against the Samba AD DC: the user's SID and
# group RIDs in the PAC are the ones Samba reports for the user (samba-tool),
# including a group this test creates; the server signature verifies with the
# service keytab (AES and RC4 services), the KDC signature with krbtgt's keys
# exported from the DC; a ticket changed by one byte is refused: in its
# ciphertext (it no longer decrypts) and in its PAC (re-encrypted with the
# service key, so only the PAC's server signature can tell).
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
ad_sh=$src/tests/ad/ad.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-ad-XXXXXX")
trap '"$ad_sh" stop "$dir"; rm -rf "$dir"' EXIT
"$ad_sh" start "$dir" --owner $$
# shellcheck source=/dev/null
. "$dir/env"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
samba_tool() { /usr/bin/python3 /usr/bin/samba-tool "$@" -s "$SMB_CONF"; }
# jpath PATH <<<JSON: the values at a jq-style PATH (.name, [N], [] for every
# element), one a line, strings bare (jq -r without needing jq).
jpath() {
  /usr/bin/python3 -c '
import json, re, sys
vals = [json.load(sys.stdin)]
for name, index, every in re.findall(r"\.(\w+)|\[(\d+)\]|(\[\])", sys.argv[1]):
    if name:
        vals = [v[name] for v in vals]
    elif index:
        vals = [v[int(index)] for v in vals]
    else:
        vals = [x for v in vals for x in v]
for v in vals:
    print(v if isinstance(v, str) else json.dumps(v))
' "$1"
}
# The last RID of a SID.
rid() { echo "${1##*-}"; }

# --- what Samba says about alice, with a group added here -----------------
samba_tool group add pac-auditors >/dev/null
samba_tool group addmembers pac-auditors alice >/dev/null
samba_tool group listmembers pac-auditors | grep -x alice >/dev/null || fail "samba-tool: alice is not in pac-auditors"
user_sid=$(samba_tool user show alice --attributes=objectSid | sed -n 's/^objectSid: //p')
primary_rid=$(samba_tool user show alice --attributes=primaryGroupID | sed -n 's/^primaryGroupID: //p')
[[ $user_sid == S-1-5-21-* && -n $primary_rid ]] || fail "samba-tool user show alice: sid '$user_sid' primary '$primary_rid'"
expected_rids=()
while IFS= read -r group; do
  [[ -n $group ]] || continue
  gsid=$(samba_tool group show "$group" --attributes=objectSid | sed -n 's/^objectSid: //p')
  [[ $gsid == "${user_sid%-*}"-* ]] || fail "group $group has SID '$gsid' outside the domain ${user_sid%-*}"
  expected_rids+=("$(rid "$gsid")")
done < <(samba_tool user getgroups alice)
expected=$(printf '%s\n' "${expected_rids[@]}" | sort -n | tr '\n' ' ')
# Domain Users (the primary group), krbkit-testers (ad.sh) and pac-auditors.
((${#expected_rids[@]} == 3)) || fail "samba-tool user getgroups alice gave ${#expected_rids[@]} groups: $expected"

# --- kvno --decode --json: the PAC against Samba's view ----------------------
export KRB5CCNAME=FILE:$dir/cc-pac
echo "$ALICE_PASSWORD" | "$bin/kinit" "$ALICE_PRINCIPAL" >/dev/null || fail "kinit alice"
json=$("$bin/kvno" --decode --json -k "$SVC_AES_KEYTAB" "$SVC_AES") || fail "kvno --decode -k $SVC_AES_KEYTAB $SVC_AES"
d() { jpath ".services[0].decoded$1" <<<"$json"; }
[[ $(d .pac.logon_info.user_sid) == "$user_sid" ]] || fail "PAC user SID $(d .pac.logon_info.user_sid), Samba: $user_sid"
[[ $(d .pac.upn_dns_info.sid) == "$user_sid" ]] || fail "UPN_DNS_INFO SID $(d .pac.upn_dns_info.sid), Samba: $user_sid"
[[ $(d .pac.logon_info.primary_group_rid) == "$primary_rid" ]] || fail "PAC primary group $(d .pac.logon_info.primary_group_rid), Samba: $primary_rid"
got=$(jpath '.services[0].decoded.pac.logon_info.groups[].rid' <<<"$json" | sort -n | tr '\n' ' ')
[[ $got == "$expected" ]] || fail "PAC group RIDs '$got', samba-tool user getgroups: '$expected'"
# Not grep -q: it stops reading at the match, and python (unbuffered when
# PYTHONUNBUFFERED is set) then fails with EPIPE, which pipefail reports.
d '.pac.logon_info.groups[].name' | grep -x "Domain Users" >/dev/null || fail "513 is not named Domain Users"
[[ $(d .pac.logon_info.account) == alice && $(d .client) == "$ALICE_PRINCIPAL" ]] || fail "account/client: $(d .pac.logon_info.account) $(d .client)"
[[ $(d .pac.server_signature.state) == verified ]] || fail "server signature: $(d .pac.server_signature)"
[[ $(d .pac.client_info.state) == verified ]] || fail "client info: $(d .pac.client_info)"
[[ $(d .pac.kdc_signature.state) == not_checked ]] || fail "KDC signature without krbtgt's key: $(d .pac.kdc_signature)"
[[ $(d .verified) == true && $(d .enctype) == aes256-cts-hmac-sha1-96 ]] || fail "kvno --decode: $json"

# klist --decode on the cached ticket says the same, in text for admins too.
kjson=$("$bin/klist" --decode --json -k "$SVC_AES_KEYTAB" "$SVC_AES") || fail "klist --decode --json"
[[ $(jpath '.tickets[0].pac.logon_info.user_sid' <<<"$kjson") == "$user_sid" ]] || fail "klist --decode user SID: $kjson"
[[ $(jpath '.tickets[0].pac.logon_info.groups[].rid' <<<"$kjson" | sort -n | tr '\n' ' ') == "$expected" ]] ||
  fail "klist --decode group RIDs differ from Samba's"
text=$("$bin/klist" --decode -k "$SVC_AES_KEYTAB" "$SVC_AES") || fail "klist --decode"
grep -qE "^      User SID: +$user_sid \(RID $(rid "$user_sid")\)$" <<<"$text" || fail "text output: $text"
grep -qE "^    Server signature: +hmac-sha1-96-aes256: verified" <<<"$text" || fail "text server signature: $text"
grep -qE "^    KDC signature: +hmac-sha1-96-aes256: not checked \(needs the KDC's key\)" <<<"$text" ||
  fail "text KDC signature: $text"

# The KDC signature with krbtgt's keys from the DC.
samba_tool domain exportkeytab "$dir/krbtgt.keytab" --principal=krbtgt >/dev/null
kdc=$("$bin/klist" --decode --json -k "$SVC_AES_KEYTAB" --krbtgt-keytab "$dir/krbtgt.keytab" "$SVC_AES") ||
  fail "klist --decode --krbtgt-keytab"
[[ $(jpath '.tickets[0].pac.kdc_signature.state' <<<"$kdc") == verified ]] || fail "KDC signature: $kdc"
[[ $(jpath '.tickets[0].pac.full_signature.state' <<<"$kdc") == verified ]] || fail "full signature: $kdc"

# RC4 services: HMAC-MD5 server signatures.
for pair in "$SVC_RC4=$SVC_RC4_KEYTAB" "$SVC_DEFAULT=$SVC_DEFAULT_KEYTAB"; do
  svc=${pair%%=*} kt=${pair#*=}
  r=$("$bin/kvno" --decode --json -k "$kt" "$svc") || fail "kvno --decode $svc: $r"
  [[ $(jpath '.services[0].decoded.enctype' <<<"$r") == arcfour-hmac ]] || fail "$svc ticket is not RC4: $r"
  sig="$(jpath '.services[0].decoded.pac.server_signature.checksum_name' <<<"$r") $(jpath '.services[0].decoded.pac.server_signature.state' <<<"$r")"
  [[ $sig == "hmac-md5-rc4 verified" ]] ||
    fail "$svc server signature: $r"
  [[ $(jpath '.services[0].decoded.pac.logon_info.user_sid' <<<"$r") == "$user_sid" ]] || fail "$svc user SID: $r"
done

# --- wrong keytab: one line naming keytab, principal, kvno and enctype ------------
if out=$("$bin/klist" --decode -k "$SVC_RC4_KEYTAB" "$SVC_AES" 2>&1); then fail "a keytab without the key decoded: $out"; fi
[[ $out == *"$SVC_RC4_KEYTAB has no key for $SVC_AES with kvno "*" and enctype aes256-cts-hmac-sha1-96"* && $(wc -l <<<"$out") == 1 ]] ||
  fail "wrong keytab message: $out"

# --- one changed byte ---------------------------------------------------------------
one=$dir/cc-one
"$bin/kvno" -q --out-cache "FILE:$one" "$SVC_AES" || fail "kvno --out-cache"
KRB5CCNAME=FILE:$one "$bin/klist" --decode -k "$SVC_AES_KEYTAB" >/dev/null || fail "the copied ticket does not decode"
key=$(/usr/bin/klist -kKe "$SVC_AES_KEYTAB" | awk -v p="$SVC_AES" '$2 == p && $3 == "(aes256-cts-hmac-sha1-96)" { print $4 }' | tr -d '()')
[[ $key == 0x* ]] || fail "no aes256 key for $SVC_AES in MIT's klist -kKe $SVC_AES_KEYTAB"

# tamper.py CACHE cipher|pac|forge KEYHEX: the cache holds one ticket (kvno
# --out-cache): its ticket is the last record but the empty second ticket.
# `cipher` flips a byte of the ticket's ciphertext; `pac` decrypts it with the
# service key, turns the group RID 513 (Domain Users) into 512 (Domain Admins),
# one byte, and encrypts it again with the same key; `forge` also signs the
# changed PAC again with the service key (a "silver ticket": only krbtgt's
# signatures can tell).
cat >"$dir/tamper.py" <<'EOF'
import struct, sys
from samba.tests.krb5 import kcrypto

path, mode, keyhex = sys.argv[1], sys.argv[2], sys.argv[3]
data = bytearray(open(path, "rb").read())
end = len(data) - 4
assert data[end:] == b"\0\0\0\0", "the cache does not end with an empty second ticket"
start = next(i for i in range(end - 4, 0, -1) if struct.unpack(">I", data[i:i + 4])[0] == end - i - 4) + 4

def tlv(p):
    tag, n, h = data[p], data[p + 1], 2
    if n & 0x80:
        h = 2 + (n & 0x7F)
        n = int.from_bytes(data[p + 2:p + h], "big")
    return tag, p + h, n

_, c, _ = tlv(start)  # Ticket [APPLICATION 1]
_, p, _ = tlv(c)      # SEQUENCE
while True:
    tag, c, n = tlv(p)
    if tag == 0xA3:   # enc-part
        break
    p = c + n
_, p, n = tlv(c)      # EncryptedData
last = p + n
while p < last:
    tag, c, n = tlv(p)
    if tag == 0xA2:   # cipher
        _, off, size = tlv(c)
    p = c + n
if mode == "cipher":
    data[off + size // 2] ^= 0x01
else:
    key = kcrypto.Key(18, bytes.fromhex(keyhex[2:]))
    plain = bytearray(kcrypto.decrypt(key, 2, bytes(data[off:off + size])))
    at = plain.find(struct.pack("<II", 513, 7))  # GroupIds: RID 513, attributes 7
    assert at > 0, "no Domain Users group membership in the PAC"
    plain[at] = 0x00                               # 513 -> 512
    if mode == "forge":
        # The PAC: cBuffers, Version 0, then the first buffer, LOGON_INFO,
        # inside an OCTET STRING with a two-byte length.
        pac = plain.find(b"\x00\x00\x00\x00\x01\x00\x00\x00") - 4
        assert plain[pac - 4] == 0x04 and plain[pac - 3] == 0x82, "the PAC is not where expected"
        pac_len = int.from_bytes(plain[pac - 2:pac], "big")
        buffers = {}
        for i in range(struct.unpack("<I", plain[pac:pac + 4])[0]):
            btype, bsize, boff = struct.unpack("<IIQ", plain[pac + 8 + 16 * i:pac + 24 + 16 * i])
            buffers[btype] = pac + boff
        server, kdc = buffers[6], buffers[7]
        zeroed = bytearray(plain[pac:pac + pac_len])
        zeroed[server - pac + 4:server - pac + 16] = bytes(12)
        zeroed[kdc - pac + 4:kdc - pac + 16] = bytes(12)
        ctype = struct.unpack("<i", plain[server:server + 4])[0]
        plain[server + 4:server + 16] = kcrypto.make_checksum(ctype, key, 17, bytes(zeroed))
    again = kcrypto.encrypt(key, 2, bytes(plain))
    assert len(again) == size
    data[off:off + size] = again
open(path, "wb").write(data)
EOF

cp "$one" "$dir/cc-cipher"
/usr/bin/python3 "$dir/tamper.py" "$dir/cc-cipher" cipher "$key"
if out=$(KRB5CCNAME=FILE:$dir/cc-cipher "$bin/klist" --decode -k "$SVC_AES_KEYTAB" 2>&1); then
  fail "a ticket with a changed ciphertext byte decoded: $out"
fi
[[ $out == *"the ticket for $SVC_AES (kvno "*", aes256-cts-hmac-sha1-96) does not decrypt with the key in $SVC_AES_KEYTAB"* ]] ||
  fail "changed ciphertext: $out"

cp "$one" "$dir/cc-pac-changed"
/usr/bin/python3 "$dir/tamper.py" "$dir/cc-pac-changed" pac "$key"
set +e
out=$(KRB5CCNAME=FILE:$dir/cc-pac-changed "$bin/klist" --decode -k "$SVC_AES_KEYTAB" 2>"$dir/err")
rc=$?
set -e
err=$(<"$dir/err")
((rc == 1)) || fail "a changed PAC gave exit status $rc: $err"
grep -qE "^                             512 Domain Admins \[" <<<"$out" || grep -qE "Groups: +512 Domain Admins" <<<"$out" ||
  fail "the changed PAC is not shown as decoded: $out"
grep -qE "^    Server signature: +hmac-sha1-96-aes256: FAILED \(does not verify with the service's aes256-cts-hmac-sha1-96 key: the PAC was changed\)$" <<<"$out" ||
  fail "text for the changed PAC: $out"
[[ $err == "klist: ticket for $SVC_AES: PAC server signature FAILED: does not verify with the service's aes256-cts-hmac-sha1-96 key: the PAC was changed" ]] ||
  fail "stderr for the changed PAC: $err"
# kvno --decode on the same cached ticket: decoded, refused, exit status 1.
set +e
kout=$(KRB5CCNAME=FILE:$dir/cc-pac-changed "$bin/kvno" --cached-only --decode -k "$SVC_AES_KEYTAB" "$SVC_AES" 2>"$dir/err")
rc=$?
set -e
((rc == 1)) || fail "kvno --decode on a changed PAC gave exit status $rc"
grep -qE "Groups: +512 Domain Admins" <<<"$kout" || fail "kvno --decode does not show the changed PAC: $kout"
[[ $(<"$dir/err") == "kvno: ticket for $SVC_AES: PAC server signature FAILED: does not verify with the service's aes256-cts-hmac-sha1-96 key: the PAC was changed" ]] ||
  fail "kvno stderr for the changed PAC: $(<"$dir/err")"
# The same change signed again with the service key: the server signature
# verifies, krbtgt's KDC and full signatures do not.
cp "$one" "$dir/cc-forged"
/usr/bin/python3 "$dir/tamper.py" "$dir/cc-forged" forge "$key"
set +e
fjson=$(KRB5CCNAME=FILE:$dir/cc-forged "$bin/klist" --decode --json -k "$SVC_AES_KEYTAB" --krbtgt-keytab "$dir/krbtgt.keytab" 2>"$dir/err")
rc=$?
set -e
((rc == 1)) || fail "a forged PAC gave exit status $rc: $(<"$dir/err")"
[[ $(jpath '.tickets[0].pac.server_signature.state' <<<"$fjson") == verified ]] || fail "the forged PAC's server signature: $fjson"
[[ $(jpath '.tickets[0].pac.kdc_signature.state' <<<"$fjson") == failed ]] || fail "the forged PAC's KDC signature: $fjson"
[[ $(jpath '.tickets[0].pac.full_signature.state' <<<"$fjson") == failed ]] || fail "the forged PAC's full signature: $fjson"
[[ $(jpath '.tickets[0].pac.logon_info.groups[].name' <<<"$fjson") == *"Domain Admins"* ]] || fail "forged groups: $fjson"
grep -q "PAC full signature FAILED: does not verify with the 1 aes256-cts-hmac-sha1-96 key in $dir/krbtgt.keytab" "$dir/err" ||
  fail "stderr for the forged PAC: $(<"$dir/err")"

# The unchanged copy still verifies: the failure is the byte, not the copying.
KRB5CCNAME=FILE:$one "$bin/klist" --decode -k "$SVC_AES_KEYTAB" >/dev/null || fail "the unchanged copy fails"

echo "PAC decoding against AD passed"
