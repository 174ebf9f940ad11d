#!/usr/bin/env bash
# Credential caches and keytabs shared with Heimdal's own tools (from
# tests/realm/heimdal.sh's unpacked packages), against Heimdal's KDC and, for
# kadmin ktadd, the MIT realm:
#   - Heimdal's klist -v shows the tickets krbkit's kinit/kvno wrote with the
#     same servers, ticket enctypes, flags and end times as krbkit's klist;
#     Heimdal's kgetcred and kinit --renew use krbkit's TGT (its session key);
#   - krbkit's klist shows caches Heimdal's kinit wrote (format versions 1-4,
#     config entries such as realm-config, a KDC time offset header tag) as
#     MIT's klist does, and krbkit's kvno uses their TGT and appends in the
#     file's own version, in file order;
#   - Heimdal's `ktutil list --keys` lists the keys of keytabs written by
#     krbkit's ktutil and kadmin ktadd as krbkit's klist -k -K does, and the
#     other way round for keytabs Heimdal's ktutil wrote (32-bit kvno, removed
#     entries); the keys get tickets from the KDC.
# Exits 77 (skipped) when Heimdal's packages cannot be downloaded, unless
# KRBKIT_REQUIRE_HEIMDAL is set.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

# shellcheck source=tests/shell/lib/heimdal_or_skip.sh
. "$src/tests/shell/lib/heimdal_or_skip.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-heimdal-files-XXXXXX")
trap '"$heimdal_sh" stop "$dir/h" || true; "$realm_sh" stop "$dir/m" || true; rm -rf "$dir"' EXIT
"$heimdal_sh" start "$dir/h" --owner $$ >/dev/null
# shellcheck source=/dev/null
. "$dir/h/env"
export TZ=UTC LC_ALL=C
unset KRB5CCNAME
hb=$HEIMDAL_BIN
mit_klist=/usr/bin/klist
mit_kvno=/usr/bin/kvno
mit_kinit=/usr/bin/kinit

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# --- what each tool shows, in one form: "server etype flags end" per ticket ---

# MIT's flag letters for Heimdal's flag names (enc-pa-rep has none).
heimdal_tickets() {
  "$hb/klist" -v -c "$1" | awk '
    BEGIN {
      m["forwardable"] = "F"; m["forwarded"] = "f"; m["proxiable"] = "P"; m["proxy"] = "p"
      m["may-postdate"] = "D"; m["postdated"] = "d"; m["invalid"] = "i"; m["renewable"] = "R"
      m["initial"] = "I"; m["pre-authent"] = "A"; m["hw-authent"] = "H"
      m["transited-policy-checked"] = "T"; m["ok-as-delegate"] = "O"; m["anonymous"] = "a"
    }
    /^Server: / { server = $2 }
    /^Ticket etype: / { etype = $3; sub(/,$/, "", etype) }
    /^End time: / { end = $3 " " $4 " " $5 " " $6 }
    /^Ticket flags: / {
      letters = ""
      for (i = 3; i <= NF; i++) { f = $i; sub(/,$/, "", f); if (f in m) letters = letters m[f] }
      print server "|" etype "|" letters "|" end
    }' | while IFS='|' read -r server etype letters end; do
    echo "$server $etype $(sorted_letters "$letters") $(date -d "$end" +%s)"
  done
}

sorted_letters() { grep -o . <<<"$1" | sort | tr -d '\n'; }

# Heimdal's enctype names.
heimdal_etype() {
  local e=${1#DEPRECATED:}
  [[ $e == arcfour-hmac ]] && e=arcfour-hmac-md5
  echo "$e"
}

# The same from krbkit's klist -e -f (or MIT's, with $1 = its path).
klist_tickets() {
  local tool=$1 cache=$2 line server="" end="" letters="" re_ticket re_flags re_etype
  re_ticket='^[0-9/]+ [0-9:]+ +([0-9/]+ [0-9:]+) +([^ ]+@[^ ]+)$'
  re_flags='Flags: ([A-Za-z]*)'
  re_etype='Etype \(skey, tkt\): [^,]+, ([^ ]+)'
  while IFS= read -r line; do
    if [[ $line =~ $re_ticket ]]; then
      end=$(date -d "${BASH_REMATCH[1]}" +%s) server=${BASH_REMATCH[2]} letters=""
    fi
    [[ $line =~ $re_flags ]] && letters=${BASH_REMATCH[1]}
    if [[ $line =~ $re_etype ]]; then
      echo "$server $(heimdal_etype "${BASH_REMATCH[1]}") $(sorted_letters "$letters") $end"
    fi
  done < <("$tool" -e -f -c "$cache")
}

# Heimdal's view of `file` ($3: heimdal_tickets or heimdal_keys) is krbkit's
# klist's and MIT's klist's ($4: klist_tickets or klist_keys), with at least $2 lines.
three_agree() {
  local what=$1 at_least=$2 heimdal_view=$3 klist_view=$4 file=$5 h k m
  h=$("$heimdal_view" "$file") || { fail "$what: Heimdal's tool cannot read $file"; return; }
  k=$("$klist_view" "$bin/klist" "$file") || { fail "$what: krbkit's klist cannot read $file"; return; }
  m=$("$klist_view" "$mit_klist" "$file") || { fail "$what: MIT's klist cannot read $file"; return; }
  (($(grep -c . <<<"$h") >= at_least)) || fail "$what: Heimdal shows fewer than $at_least lines: $h"
  [[ $h == "$k" ]] || fail "$what: Heimdal shows
$h
krbkit's klist shows
$k"
  [[ $m == "$k" ]] || fail "$what: MIT's klist shows
$m
krbkit's klist shows
$k"
}

# Heimdal's klist -v, krbkit's and MIT's klist -e -f see the same tickets in `cache`; at least $2.
same_tickets() { three_agree "$3" "$2" heimdal_tickets klist_tickets "$1"; }

# krbkit's klist prints what MIT's prints for `cache`, with each option set.
same_as_mit_klist() {
  local cache=$1 what=$2 opts ours mits orc mrc
  for opts in "" "-C" "-e -f" "-C -e -f -a -n" "-s"; do
    orc=0 mrc=0
    # shellcheck disable=SC2086
    ours=$("$bin/klist" $opts -c "$cache" 2>&1) || orc=$?
    # shellcheck disable=SC2086
    mits=$("$mit_klist" $opts -c "$cache" 2>&1) || mrc=$?
    [[ $ours == "$mits" && $orc == "$mrc" ]] ||
      fail "$what: klist $opts: krbkit (exit $orc) printed
$ours
MIT (exit $mrc) printed
$mits"
  done
}

# The records of `cache` in file order as MIT's klist -C lists them: servers and config keys.
record_order() {
  "$mit_klist" -C -c "$1" | sed -n 's/^config: \([^ =(]*\).*/config:\1/p; s/^[0-9/]* [0-9:]* *[0-9/]* [0-9:]* *\([^ ]*\)$/\1/p'
}

# The first bytes of a cache: 05 0v and the v4 header.
head_bytes() { od -An -tx1 -N"$2" "$1" | tr -d ' \n'; }

# --- keytabs: "kvno principal etype key" per entry ---

heimdal_keys() {
  # Heimdal 7.8 has no camellia: it lists its type as "unknown (26)".
  "$hb/ktutil" -k "$1" list --keys | awk '
    $1 ~ /^[0-9]+$/ && $2 == "unknown" && NF >= 5 { print $1, $4, $3, $5; next }
    $1 ~ /^[0-9]+$/ && NF >= 4 { print $1, $3, $2, $4 }'
}

# Enctypes Heimdal does not know, as its ktutil shows them.
unknown_to_heimdal() {
  case $1 in
    camellia128-cts-cmac) echo "(25)" ;;
    camellia256-cts-cmac) echo "(26)" ;;
    *) return 1 ;;
  esac
}

klist_keys() {
  local tool=$1 kt=$2 line re unknown
  re='^ *([0-9]+) ([^ ]+) \(([^)]+)\) +\(0x([0-9a-f]+)\)$'
  while IFS= read -r line; do
    [[ $line =~ $re ]] || continue
    if unknown=$(unknown_to_heimdal "${BASH_REMATCH[3]}"); then
      echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} $unknown ${BASH_REMATCH[4]}"
    else
      echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} $(heimdal_etype "${BASH_REMATCH[3]}") ${BASH_REMATCH[4]}"
    fi
  done < <("$tool" -k -K -e "$kt")
}

# Heimdal's ktutil list --keys, krbkit's and MIT's klist -k -K list the same keys; at least $2.
same_keys() {
  local kt=$1 what=$3
  three_agree "$what" "$2" heimdal_keys klist_keys "$kt"
  [[ "$("$bin/klist" -k -t -K -e "$kt" 2>&1)" == "$("$mit_klist" -k -t -K -e "$kt" 2>&1)" ]] ||
    fail "$what: krbkit's klist -k -t -K -e differs from MIT's"
}

enctypes=()
services=()
# shellcheck disable=SC2153 # from $dir/h/env
for s in $SERVICES; do
  enctypes+=("${s%%=*}")
  services+=("${s#*=}")
done
((${#services[@]} >= 4)) || fail "the Heimdal realm lists only ${#services[@]} services: $SERVICES"

# === caches krbkit writes, read by Heimdal ===

ours=FILE:$dir/ours
"$bin/kinit" -f -r 2d -c "$ours" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" >/dev/null || fail "krbkit kinit bob"
"$bin/kvno" -c "$ours" "${services[@]}" >/dev/null || fail "krbkit kvno of every service"
same_tickets "$ours" $((1 + ${#services[@]})) "krbkit kinit + kvno"
out=$("$hb/klist" -c "$ours" 2>&1) || fail "Heimdal's klist: $out"
[[ $out == *"Principal: $BOB_PRINCIPAL"* ]] || fail "Heimdal's klist shows another principal: $out"
# Heimdal uses the TGT krbkit stored (ticket and session key) for a TGS request.
out=$("$hb/kgetcred" -c "$ours" "$HOST_PRINCIPAL" 2>&1) || fail "Heimdal's kgetcred with krbkit's TGT: $out"
same_tickets "$ours" $((2 + ${#services[@]})) "krbkit's cache after Heimdal's kgetcred"
[[ "$("$bin/klist" -c "$ours")" == *" $HOST_PRINCIPAL"* ]] || fail "krbkit's klist does not show Heimdal's host ticket"
# Heimdal renews krbkit's TGT and writes the cache anew; krbkit reads it.
out=$("$hb/kinit" --renew -c "$ours" 2>&1) || fail "Heimdal's kinit --renew on krbkit's cache: $out"
same_tickets "$ours" 1 "the TGT Heimdal renewed"
"$bin/klist" -s -c "$ours" || fail "krbkit's klist -s on the cache Heimdal renewed"
same_as_mit_klist "$ours" "the cache Heimdal renewed"

# === caches Heimdal writes, read and extended by krbkit ===

for v in 1 2 3 4; do
  cc=FILE:$dir/heimdal-v$v
  out=$("$hb/kinit" --fcache-version=$v --password-file=STDIN -c "$cc" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" 2>&1) ||
    fail "Heimdal kinit --fcache-version=$v: $out"
  [[ $(head_bytes "${cc#FILE:}" 2) == "050$v" ]] || fail "Heimdal's cache is not version $v: $(head_bytes "${cc#FILE:}" 2)"
  same_as_mit_klist "$cc" "Heimdal's v$v cache"
  same_tickets "$cc" 1 "Heimdal's v$v cache"
  # krbkit's kvno uses Heimdal's TGT and appends in the file's version.
  out=$("$bin/kvno" -c "$cc" "${services[@]}" 2>&1) || fail "krbkit kvno with Heimdal's v$v TGT: $out"
  [[ $(head_bytes "${cc#FILE:}" 2) == "050$v" ]] || fail "krbkit's kvno changed the v$v cache to $(head_bytes "${cc#FILE:}" 2)"
  same_tickets "$cc" $((1 + ${#services[@]})) "Heimdal's v$v cache after krbkit's kvno"
  same_as_mit_klist "$cc" "Heimdal's v$v cache after krbkit's kvno"
  out=$("$hb/kgetcred" -c "$cc" "$HOST_PRINCIPAL" 2>&1) || fail "Heimdal's kgetcred after krbkit's kvno (v$v): $out"
  same_tickets "$cc" $((2 + ${#services[@]})) "Heimdal's v$v cache after krbkit's kvno and Heimdal's kgetcred"
done

# Session keys of other enctypes and sizes (Heimdal kinit -e): krbkit's kvno uses them.
for e in arcfour-hmac-md5 aes128-cts-hmac-sha1-96; do
  cc=FILE:$dir/heimdal-skey-$e
  out=$("$hb/kinit" -e "$e" --password-file=STDIN -c "$cc" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" 2>&1) ||
    fail "Heimdal kinit -e $e: $out"
  want=$e
  [[ $e == arcfour-hmac-md5 ]] && want=DEPRECATED:arcfour-hmac
  [[ "$("$bin/klist" -e -c "$cc")" == *"(skey, tkt): $want, "* ]] ||
    fail "krbkit's klist -e does not show a $e session key: $("$bin/klist" -e -c "$cc")"
  out=$("$bin/kvno" -c "$cc" "$HOST_PRINCIPAL" 2>&1) || fail "krbkit kvno with Heimdal's TGT ($e session key): $out"
done

# A cache with no TGT (Heimdal kinit -S): listed as by MIT, the ticket used from the cache.
cc=FILE:$dir/heimdal-service
out=$("$hb/kinit" -S "$HOST_PRINCIPAL" --password-file=STDIN -c "$cc" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" 2>&1) ||
  fail "Heimdal kinit -S: $out"
same_as_mit_klist "$cc" "Heimdal's cache without a TGT"
out=$("$bin/kvno" -c "$cc" "$HOST_PRINCIPAL" 2>&1) || fail "krbkit kvno with Heimdal's initial service ticket: $out"

# Config entries: start_realm, fast_avail and (--windows) realm-config, a binary value.
cc=FILE:$dir/heimdal-windows
out=$("$hb/kinit" --windows --password-file=STDIN -c "$cc" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" 2>&1) ||
  fail "Heimdal kinit --windows: $out"
out=$("$mit_klist" -C -c "$cc")
for key in start_realm fast_avail realm-config; do
  [[ $out == *"config: $key"* ]] || fail "MIT's klist -C shows no $key entry in Heimdal's cache: $out"
done
same_as_mit_klist "$cc" "Heimdal's cache with realm-config"
[[ "$("$bin/klist" -c "$cc")" != *config:* ]] || fail "krbkit's klist without -C shows config entries"
# krbkit's kvno adds tickets without moving the config entries: the records
# stay in file order, as they do when MIT's kvno adds the same tickets.
cp "${cc#FILE:}" "$dir/heimdal-windows-mit"
out=$("$bin/kvno" -c "$cc" "${services[0]}" "$HOST_PRINCIPAL" 2>&1) || fail "krbkit kvno with Heimdal's TGT: $out"
out=$("$mit_kvno" -c "FILE:$dir/heimdal-windows-mit" "${services[0]}" "$HOST_PRINCIPAL" 2>&1) ||
  fail "MIT kvno with Heimdal's TGT: $out"
[[ "$(record_order "$cc")" == "$(record_order "FILE:$dir/heimdal-windows-mit")" ]] ||
  fail "after krbkit's kvno MIT's klist -C lists
$(record_order "$cc")
after MIT's kvno
$(record_order "FILE:$dir/heimdal-windows-mit")"
same_as_mit_klist "$cc" "Heimdal's cache with realm-config after krbkit's kvno"
# The same ticket again: krbkit replaces it, the order stays.
out=$("$bin/kvno" -c "$cc" "${services[0]}" 2>&1) || fail "krbkit kvno again: $out"
[[ "$(record_order "$cc")" == "$(record_order "FILE:$dir/heimdal-windows-mit")" ]] ||
  fail "a second krbkit kvno reordered the cache: $(record_order "$cc" | tr '\n' ' ')"

# Addresses: Heimdal's kinit with no-addresses = false puts the host's
# addresses (IPv4 and IPv6) in the TGT; krbkit's klist -a shows them as MIT's.
sed 's/^\[libdefaults\]$/[libdefaults]\n    no-addresses = false/' "$KRB5_CONFIG" >"$dir/addresses.conf"
cc=FILE:$dir/heimdal-addresses
out=$(KRB5_CONFIG=$dir/addresses.conf "$hb/kinit" --extra-addresses=127.0.0.1 --password-file=STDIN -c "$cc" \
  "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" 2>&1) || fail "Heimdal kinit with addresses: $out"
out=$("$hb/klist" -v -c "$cc")
[[ $out == *"IPv4:127.0.0.1"* ]] || fail "Heimdal's TGT has no addresses: $out"
same_as_mit_klist "$cc" "Heimdal's cache with addresses"
[[ "$("$bin/klist" -a -n -c "$cc")" == *"127.0.0.1"* ]] || fail "krbkit's klist -a -n shows no 127.0.0.1"

# kinit -R on a renewable TGT Heimdal's kinit got: krbkit's leaves what MIT's leaves.
cc=FILE:$dir/heimdal-renew
out=$("$hb/kinit" -r 2d --password-file=STDIN -c "$cc" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" 2>&1) ||
  fail "Heimdal kinit -r: $out"
cp "${cc#FILE:}" "$dir/heimdal-renew-mit"
out=$("$bin/kinit" -R -c "$cc" 2>&1) || fail "krbkit kinit -R on Heimdal's cache: $out"
out=$("$mit_kinit" -R -c "FILE:$dir/heimdal-renew-mit" 2>&1) || fail "MIT kinit -R on Heimdal's cache: $out"
[[ "$(record_order "$cc")" == "$(record_order "FILE:$dir/heimdal-renew-mit")" ]] ||
  fail "after krbkit's kinit -R the cache holds $(record_order "$cc" | tr '\n' ' '), after MIT's $(record_order "FILE:$dir/heimdal-renew-mit" | tr '\n' ' ')"
same_tickets "$cc" 1 "Heimdal's cache renewed by krbkit"
# krbkit's kdestroy removes a cache Heimdal wrote; Heimdal then finds none.
out=$("$bin/kdestroy" -c "$cc" 2>&1) || fail "krbkit kdestroy on Heimdal's cache: $out"
"$hb/klist" -c "$cc" >/dev/null 2>&1 && fail "Heimdal's klist still finds the cache krbkit's kdestroy removed"

# A KDC time offset header tag: Heimdal's kinit with its clock an hour behind
# the KDC's is told so by the KDC (clock skew) and records the difference in
# the header. krbkit's tools read it like MIT's; krbkit's kvno on the same
# slow clock corrects its requests with it (as MIT's does) and keeps it.
if command -v cc >/dev/null; then
  cat >"$dir/shift.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
/* Moves the real-time clock by KRBKIT_CLOCK_SHIFT seconds. */
static long shift(void) {
  const char* s = getenv("KRBKIT_CLOCK_SHIFT");
  return s ? atol(s) : 0;
}
int clock_gettime(clockid_t id, struct timespec* ts) {
  static int (*real)(clockid_t, struct timespec*);
  if (!real) real = (int (*)(clockid_t, struct timespec*))dlsym(RTLD_NEXT, "clock_gettime");
  int r = real(id, ts);
  if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) ts->tv_sec += shift();
  return r;
}
int gettimeofday(struct timeval* tv, void* tz) {
  struct timespec ts;
  (void)tz;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}
time_t time(time_t* t) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (t) *t = ts.tv_sec;
  return ts.tv_sec;
}
EOF
  cc -shared -fPIC -o "$dir/shift.so" "$dir/shift.c" -ldl || fail "cannot build the clock shim"
  slow=(env "LD_PRELOAD=$dir/shift.so" KRBKIT_CLOCK_SHIFT=-3600)
  skew=FILE:$dir/heimdal-skew
  out=$("${slow[@]}" "$hb/kinit" --password-file=STDIN -c "$skew" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" 2>&1) ||
    fail "Heimdal kinit an hour behind: $out"
  # 05 04, header length 12, tag 1 (DELTATIME) length 8, 3600 seconds.
  header=$(head_bytes "${skew#FILE:}" 12)
  [[ $header == 0504000c0001000800000e10 ]] || fail "Heimdal's cache header is $header, not a 3600 s offset"
  out=$("$hb/klist" -v -c "$skew")
  [[ $out == *"KDC time offset: 1 hour"* ]] || fail "Heimdal's klist -v shows no offset: $out"
  same_as_mit_klist "$skew" "Heimdal's cache with a KDC time offset"
  same_tickets "$skew" 1 "Heimdal's cache with a KDC time offset"
  cp "${skew#FILE:}" "$dir/heimdal-skew-mit"
  out=$("${slow[@]}" "$mit_kvno" -c "FILE:$dir/heimdal-skew-mit" "$HOST_PRINCIPAL" 2>&1) ||
    fail "MIT kvno an hour behind with Heimdal's cache: $out"
  out=$("${slow[@]}" "$bin/kvno" -c "$skew" "$HOST_PRINCIPAL" "${services[@]}" 2>&1) ||
    fail "krbkit kvno an hour behind with Heimdal's cache (the header's offset unused?): $out"
  [[ $(head_bytes "${skew#FILE:}" 12) == "$header" ]] || fail "krbkit's kvno changed the header to $(head_bytes "${skew#FILE:}" 12)"
  same_tickets "$skew" $((2 + ${#services[@]})) "Heimdal's cache with a KDC time offset after krbkit's kvno"
  # Without the offset the slow clock is an hour off: the KDC says so.
  if out=$("${slow[@]}" "$bin/kvno" -c "FILE:$dir/ours" "$SVC_RC4" 2>&1) || [[ $out != *"Clock skew too great"* ]]; then
    fail "krbkit kvno an hour behind with a cache without offset: $out"
  fi
else
  echo "no C compiler: the KDC time offset header is not checked"
fi

# === keytabs krbkit writes, read by Heimdal ===

kt=$dir/ours.keytab
{
  for e in "${enctypes[@]}"; do
    printf 'addent -password -p %s -k 3 -e %s\n%s\n' "$BOB_PRINCIPAL" "$e" "$BOB_PASSWORD"
  done
  printf 'addent -password -p %s -k 300 -e %s\n%s\n' "$CAROL_PRINCIPAL" "${enctypes[0]}" "$CAROL_PASSWORD"
  printf 'wkt %s\nquit\n' "$kt"
} | "$bin/ktutil" >/dev/null || fail "krbkit ktutil addent/wkt"
same_keys "$kt" $((1 + ${#enctypes[@]})) "krbkit ktutil's keytab"
[[ $'\n'$(heimdal_keys "$kt") == *$'\n'"300 $CAROL_PRINCIPAL "* ]] || fail "Heimdal does not see kvno 300 in krbkit's keytab"
# The keys are the KDC's: Heimdal's kinit gets tickets with them.
for p in "$BOB_PRINCIPAL" "$CAROL_PRINCIPAL"; do
  out=$("$hb/kinit" -k -t "$kt" -c "FILE:$dir/kt-cc" "$p" 2>&1) || fail "Heimdal kinit -k with krbkit's keytab for $p: $out"
done
# Heimdal's ktutil appends to krbkit's keytab; both read the result.
out=$("$hb/ktutil" -k "$kt" add -p "$ALICE_PRINCIPAL" -V 7 -e aes128-cts-hmac-sha1-96 -w "$ALICE_PASSWORD" 2>&1) ||
  fail "Heimdal ktutil add to krbkit's keytab: $out"
same_keys "$kt" $((2 + ${#enctypes[@]})) "krbkit's keytab after Heimdal's ktutil add"

# === keytabs Heimdal writes, read by krbkit ===

hk=$dir/heimdal.keytab
for e in "${enctypes[@]}"; do
  out=$("$hb/ktutil" -k "$hk" add -p "$BOB_PRINCIPAL" -V 300 -e "$(heimdal_etype "$e")" -w "$BOB_PASSWORD" 2>&1) ||
    fail "Heimdal ktutil add $e: $out"
done
out=$("$hb/ktutil" -k "$hk" add -p "$ALICE_PRINCIPAL" -V 2 -e aes256-cts-hmac-sha1-96 -w "$ALICE_PASSWORD" 2>&1) ||
  fail "Heimdal ktutil add alice: $out"
same_keys "$hk" $((1 + ${#enctypes[@]})) "Heimdal ktutil's keytab"
[[ $'\n'$(klist_keys "$bin/klist" "$hk") == *$'\n'"300 $BOB_PRINCIPAL "* ]] || fail "krbkit's klist -k does not show kvno 300"
# The same keys as krbkit's ktutil derives from the password (kvno aside).
[[ "$(klist_keys "$bin/klist" "$hk" | awk '$1 == 300 {print $2, $3, $4}')" == \
  "$(klist_keys "$bin/klist" "$kt" | awk '$1 == 3 {print $2, $3, $4}')" ]] ||
  fail "Heimdal's ktutil and krbkit's ktutil derive different keys for bob"
out=$("$bin/kinit" -k -t "$hk" -c "FILE:$dir/kt-cc" "$BOB_PRINCIPAL" 2>&1) || fail "krbkit kinit -k with Heimdal's keytab: $out"
# A removed entry leaves a hole Heimdal marks as MIT does; both skip it.
out=$("$hb/ktutil" -k "$hk" remove -p "$BOB_PRINCIPAL" -V 300 -e "$(heimdal_etype "${enctypes[0]}")" 2>&1) ||
  fail "Heimdal ktutil remove: $out"
same_keys "$hk" ${#enctypes[@]} "Heimdal's keytab after ktutil remove"
[[ $'\n'$(klist_keys "$bin/klist" "$hk") != *$'\n'"300 $BOB_PRINCIPAL $(heimdal_etype "${enctypes[0]}") "* ]] ||
  fail "krbkit's klist -k still shows the entry Heimdal removed"
# Heimdal's ktutil puts a smaller entry (a 16-byte key where a 32-byte one
# was) into the hole, padded with zeros: the file keeps its size.
size=$(stat -c %s "$hk")
out=$("$hb/ktutil" -k "$hk" add -p "$BOB_PRINCIPAL" -V 301 -e aes128-cts-hmac-sha1-96 -w "$BOB_PASSWORD" 2>&1) ||
  fail "Heimdal ktutil add into the hole: $out"
[[ $(stat -c %s "$hk") == "$size" ]] || fail "Heimdal's ktutil did not reuse the hole ($size -> $(stat -c %s "$hk") bytes)"
same_keys "$hk" $((1 + ${#enctypes[@]})) "Heimdal's keytab with an entry in a hole"
# krbkit's ktutil reads Heimdal's keytab and writes a copy Heimdal reads.
printf 'rkt %s\nwkt %s\nquit\n' "$hk" "$dir/copy.keytab" | "$bin/ktutil" >/dev/null || fail "krbkit ktutil rkt/wkt"
[[ "$(heimdal_keys "$dir/copy.keytab")" == "$(heimdal_keys "$hk")" ]] ||
  fail "Heimdal lists krbkit's copy of its keytab differently"
# Raw keys both ways: the bytes given are the bytes listed.
raw=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
out=$("$hb/ktutil" -k "$dir/raw.keytab" add -p "raw@$REALM" -V 9 -e aes256-cts-hmac-sha1-96 -H -w "$raw" 2>&1) ||
  fail "Heimdal ktutil add -H: $out"
[[ "$(klist_keys "$bin/klist" "$dir/raw.keytab")" == "9 raw@$REALM aes256-cts-hmac-sha1-96 $raw" ]] ||
  fail "krbkit's klist -k -K shows Heimdal's raw key as: $(klist_keys "$bin/klist" "$dir/raw.keytab")"
raw2=f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff
printf 'addent -key -p %s -k 10 -e aes256-cts-hmac-sha1-96\n%s\nwkt %s\nquit\n' "raw2@$REALM" "$raw2" "$dir/raw2.keytab" |
  "$bin/ktutil" >/dev/null || fail "krbkit ktutil addent -key"
[[ "$(heimdal_keys "$dir/raw2.keytab")" == "10 raw2@$REALM aes256-cts-hmac-sha1-96 $raw2" ]] ||
  fail "Heimdal's ktutil lists krbkit's raw key as: $(heimdal_keys "$dir/raw2.keytab")"
# kvnos the 8-bit field cannot hold (256: 0 there, 65536) and 0, both ways.
vk=$dir/kvnos.keytab
for v in 256 65536 0; do
  out=$("$hb/ktutil" -k "$vk" add -p "$BOB_PRINCIPAL" -V "$v" -e aes128-cts-hmac-sha1-96 -w "$BOB_PASSWORD" 2>&1) ||
    fail "Heimdal ktutil add -V $v: $out"
done
same_keys "$vk" 3 "Heimdal's keytab with kvnos 256, 65536 and 0"
[[ "$(klist_keys "$bin/klist" "$vk" | awk '{print $1}' | tr '\n' ' ')" == "256 65536 0 " ]] ||
  fail "krbkit's klist -k shows the kvnos as $(klist_keys "$bin/klist" "$vk" | awk '{print $1}' | tr '\n' ' ')"
printf 'rkt %s\nwkt %s\nquit\n' "$vk" "$dir/kvnos-copy.keytab" | "$bin/ktutil" >/dev/null || fail "krbkit ktutil rkt/wkt (kvnos)"
[[ "$(heimdal_keys "$dir/kvnos-copy.keytab")" == "$(heimdal_keys "$vk")" ]] ||
  fail "Heimdal lists krbkit's copy of the kvno keytab as $(heimdal_keys "$dir/kvnos-copy.keytab")"
# JAVA14: Heimdal's keytab for Java 1.4, without the 32-bit kvno and flags after each entry.
jk=$dir/java14.keytab
out=$("$hb/ktutil" -k "JAVA14:$jk" add -p "$BOB_PRINCIPAL" -V 4 -e aes128-cts-hmac-sha1-96 -w "$BOB_PASSWORD" 2>&1) ||
  fail "Heimdal ktutil add to a JAVA14 keytab: $out"
same_keys "$jk" 1 "Heimdal's JAVA14 keytab"
# Heimdal's kadmin -l ext_keytab: every enctype of the host; krbkit's kvno checks a ticket with it.
same_keys "$HOST_KEYTAB" 4 "Heimdal kadmin ext_keytab's keytab"
out=$("$bin/kvno" -c "$ours" -k "$HOST_KEYTAB" "$HOST_PRINCIPAL" 2>&1) || fail "krbkit kvno -k with Heimdal's host keytab: $out"
[[ $out == *"keytab entry valid"* ]] || fail "krbkit kvno -k with Heimdal's host keytab: $out"

# === MIT realm: krbkit's kadmin ktadd, read by Heimdal ===

mit_section() {
  "$realm_sh" start "$dir/m" --owner $$ >/dev/null
  # shellcheck source=/dev/null
  . "$dir/m/env"
  local kadm=("$bin/kadmin" -p "$ADMIN_PRINCIPAL" -w "$ADMIN_PASSWORD")
  local akt=$dir/ktadd.keytab out
  out=$("${kadm[@]}" -q "addprinc -randkey svc-heimdal/$SERVER_HOST" 2>&1) || fail "krbkit kadmin addprinc: $out"
  out=$("${kadm[@]}" -q "ktadd -k $akt svc-heimdal/$SERVER_HOST" 2>&1) || fail "krbkit kadmin ktadd: $out"
  same_keys "$akt" 2 "krbkit kadmin ktadd's keytab"
  # Heimdal's kinit, with the MIT realm's krb5.conf, gets a TGT with those keys.
  out=$("$hb/kinit" -k -t "$akt" -c "FILE:$dir/m-cc" "svc-heimdal/$SERVER_HOST@$REALM" 2>&1) ||
    fail "Heimdal kinit -k with krbkit ktadd's keytab against MIT's KDC: $out"
  # krbkit's kadmin ktadd into a keytab Heimdal's ktutil wrote, with a hole
  # where Heimdal removed an entry: the same entries in the same places as
  # MIT's kadmin ktadd puts them (the hole reused), and Heimdal lists them.
  local hk=$dir/m-heimdal.keytab e
  for e in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96; do
    out=$("$hb/ktutil" -k "$hk" add -p "$BOB_PRINCIPAL" -V 1 -e "$e" -w "$BOB_PASSWORD" 2>&1) ||
      fail "Heimdal ktutil add $e (MIT realm): $out"
  done
  out=$("$hb/ktutil" -k "$hk" remove -p "$BOB_PRINCIPAL" -V 1 -e aes256-cts-hmac-sha1-96 2>&1) ||
    fail "Heimdal ktutil remove (MIT realm): $out"
  cp "$hk" "$dir/m-heimdal-mit.keytab"
  out=$("${kadm[@]}" -q "ktadd -k $hk -norandkey svc-heimdal/$SERVER_HOST" 2>&1) ||
    fail "krbkit kadmin ktadd -norandkey into Heimdal's keytab: $out"
  out=$(kadmin -p "$ADMIN_PRINCIPAL" -w "$ADMIN_PASSWORD" -q "ktadd -k $dir/m-heimdal-mit.keytab -norandkey svc-heimdal/$SERVER_HOST" 2>&1) ||
    fail "MIT kadmin ktadd -norandkey into Heimdal's keytab: $out"
  same_keys "$hk" 3 "krbkit kadmin ktadd into Heimdal's keytab"
  [[ "$(heimdal_keys "$hk")" == "$(heimdal_keys "$dir/m-heimdal-mit.keytab")" ]] ||
    fail "Heimdal lists krbkit's ktadd into its keytab as
$(heimdal_keys "$hk")
and MIT's as
$(heimdal_keys "$dir/m-heimdal-mit.keytab")"
  [[ $(stat -c %s "$hk") == $(stat -c %s "$dir/m-heimdal-mit.keytab") ]] ||
    fail "krbkit's ktadd made Heimdal's keytab $(stat -c %s "$hk") bytes, MIT's $(stat -c %s "$dir/m-heimdal-mit.keytab")"
  # krbkit's kinit against MIT's KDC; Heimdal's klist agrees.
  "$bin/kinit" -f -c "FILE:$dir/m-ours" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" >/dev/null || fail "krbkit kinit (MIT realm)"
  "$bin/kvno" -c "FILE:$dir/m-ours" "$HOST_PRINCIPAL" >/dev/null || fail "krbkit kvno (MIT realm)"
  same_tickets "FILE:$dir/m-ours" 2 "krbkit's cache from MIT's KDC"
}
mit_section

if ((failures)); then
  echo "$failures failed" >&2
  exit 1
fi
echo "Heimdal files: all checks passed"
