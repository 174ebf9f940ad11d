#!/usr/bin/env bash
# A throwaway MIT Kerberos realm on 127.0.0.1 for krbkit's tests.
#
#   realm.sh start DIR [--name REALM] [--owner PID] [--trust REALM]... [--kdc-conf FILE] [--ipv6] [--pkinit CERTS [--pkinit-kdc NAME]]
#   realm.sh stop DIR
#
# `start` creates DIR (if needed) and puts everything in it: the client
# krb5.conf (KRB5_CONFIG), kdc.conf (KRB5_KDC_PROFILE), the database, stash,
# kadm5.acl, keytabs, logs and pid files; nothing outside DIR is touched
# except a lock file in /tmp used to hand out ports. It then starts krb5kdc
# and kadmind on free unprivileged ports below 32768, waits until the KDC
# answers, and writes DIR/env: a file to source (`. DIR/env`) that exports
# REALM, KRB5_CONFIG, KRB5_KDC_PROFILE, the ports and the test principals
# with their passwords (see README.md beside this script).
# --owner PID starts a watchdog that stops the realm when process PID ends,
# so that a crashed or killed test binary leaves no KDC behind.
#
# --trust OTHER (repeatable) adds the cross-realm principals krbtgt/OTHER@REALM
# and krbtgt/REALM@OTHER with the password $TRUST_PASSWORD; a realm OTHER
# started with --trust REALM then holds the same keys, so the two trust each
# other. --kdc-conf FILE appends FILE to kdc.conf, which only the KDC reads
# (before krb5.conf): [capaths] for its transit checks, [domain_realm] for
# the referrals it hands out. --ipv6 makes the KDC and the password server
# listen on [::1] too, at the same ports.
#
# --pkinit CERTS gives the KDC PKINIT with the certificates pkinit_certs.sh
# made in the folder CERTS for this realm (CERTS/kdc.pem, anchor CERTS/ca.pem,
# also in the clients' krb5.conf) and adds WELLKNOWN/ANONYMOUS;
# --pkinit-kdc NAME makes the KDC sign with CERTS/NAME.pem instead
# (kdc-wrongsan, kdc-dns: certificates a client must refuse).
#
# `stop` kills both daemons (and the watchdog) and always succeeds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=common.sh
. "$here/common.sh"

SERVER_HOST=server.krbkit.test
MASTER_PASSWORD=master-pw-1
ALICE_PASSWORD=alice-pw-1
BOB_PASSWORD=bob-pw-1
CAROL_PASSWORD=carol-pw-1
DAVE_PASSWORD=dave-pw-1
ADMIN_PASSWORD=admin-pw-1
TRUST_PASSWORD=trust-pw-1

# One service principal per enctype, each with a key of that enctype only:
# "<variable suffix> <enctype> <principal name>".
SERVICES=(
  "AES256_SHA1 aes256-cts-hmac-sha1-96 svc-aes256-sha1"
  "AES128_SHA1 aes128-cts-hmac-sha1-96 svc-aes128-sha1"
  "AES256_SHA384 aes256-cts-hmac-sha384-192 svc-aes256-sha384"
  "AES128_SHA256 aes128-cts-hmac-sha256-128 svc-aes128-sha256"
  "CAMELLIA256 camellia256-cts-cmac svc-camellia256"
  "CAMELLIA128 camellia128-cts-cmac svc-camellia128"
  "RC4 arcfour-hmac svc-rc4"
)

usage() {
  echo "usage: realm.sh start DIR [--name REALM] [--owner PID] [--trust REALM]... [--kdc-conf FILE] [--ipv6] [--pkinit CERTS [--pkinit-kdc NAME]] | realm.sh stop DIR" >&2
  exit 2
}

# MIT's tools: the Debian paths first (krbkit's own kinit may come first on
# PATH; the daemons live in /usr/sbin, which may not be on PATH at all).
find_tool() {
  local t
  for t in "/usr/sbin/$1" "/usr/bin/$1" "$(command -v "$1" 2>/dev/null)"; do
    if [[ -n "$t" && -x "$t" ]]; then
      echo "$t"
      return
    fi
  done
  die "$1 not found: install krb5-kdc krb5-admin-server krb5-user (scripts/bootstrap)"
}

write_krb5_conf() { # the configuration clients (and the daemons) read
  cat >"$dir/krb5.conf" <<EOF
[libdefaults]
    default_realm = $realm
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    allow_rc4 = true
    default_ccache_name = FILE:$dir/krb5cc_default
    default_keytab_name = FILE:$dir/default.keytab

[realms]
    $realm = {
        kdc = 127.0.0.1:$kdc_port
        admin_server = 127.0.0.1:$kadmin_port
        kpasswd_server = 127.0.0.1:$kpasswd_port${pkinit_certs:+
        pkinit_anchors = FILE:$pkinit_certs/ca.pem}
    }

[domain_realm]
    .krbkit.test = $realm
    krbkit.test = $realm
EOF
}

write_kdc_conf() {
  local enctypes=() s
  for s in "${SERVICES[@]}"; do
    read -r _ enctype _ <<<"$s"
    enctypes+=("$enctype:normal")
  done
  local kdc_at="127.0.0.1:$kdc_port" kpasswd_at="127.0.0.1:$kpasswd_port"
  if [[ -n "$ipv6" ]]; then
    kdc_at+=" [::1]:$kdc_port"
    kpasswd_at+=" [::1]:$kpasswd_port"
  fi
  cat >"$dir/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = $kdc_at
    kdc_tcp_listen = $kdc_at

[realms]
    $realm = {
        database_name = $dir/principal
        key_stash_file = $dir/stash
        acl_file = $dir/kadm5.acl
        admin_keytab = FILE:$dir/kadm5.keytab
        kdc_listen = $kdc_at
        kdc_tcp_listen = $kdc_at
        kadmind_listen = 127.0.0.1:$kadmin_port
        kpasswd_listen = $kpasswd_at
        max_life = 10h 0m 0s
        max_renewable_life = 7d 0h 0m 0s
        master_key_type = aes256-cts-hmac-sha1-96
        supported_enctypes = ${enctypes[*]}${pkinit_certs:+
        pkinit_identity = FILE:$pkinit_certs/$pkinit_kdc.pem,$pkinit_certs/$pkinit_kdc.key
        pkinit_anchors = FILE:$pkinit_certs/ca.pem}
    }

[logging]
    kdc = FILE:$dir/kdc.log
    admin_server = FILE:$dir/kadmind.log
    default = FILE:$dir/krb5lib.log
EOF
  if [[ -n "$extra_conf" ]]; then cat "$extra_conf" >>"$dir/kdc.conf"; fi
}

# The kadmin.local script that creates every test principal in one session.
principal_commands() {
  local s
  echo "add_policy -minlength 8 default"
  echo "addprinc -clearpolicy -pw $ALICE_PASSWORD +requires_preauth alice"
  echo "addprinc -clearpolicy -pw $BOB_PASSWORD bob"
  echo "addprinc -policy default -pw $CAROL_PASSWORD carol"
  echo "addprinc -clearpolicy -pw $DAVE_PASSWORD +needchange dave"
  echo "addprinc -clearpolicy -pw $ADMIN_PASSWORD admin/admin"
  echo "addprinc -clearpolicy -randkey host/$SERVER_HOST"
  echo "ktadd -k $dir/host.keytab -norandkey host/$SERVER_HOST"
  for s in "${SERVICES[@]}"; do
    read -r _ enctype name <<<"$s"
    echo "addprinc -clearpolicy -randkey -e $enctype:normal $name/$SERVER_HOST"
    echo "ktadd -k $dir/services.keytab -norandkey $name/$SERVER_HOST"
  done
  if [[ -n "$pkinit_certs" ]]; then echo "addprinc -clearpolicy -randkey WELLKNOWN/ANONYMOUS"; fi
  for s in "${trusts[@]}"; do
    echo "addprinc -clearpolicy -pw $TRUST_PASSWORD krbtgt/$s@$realm"
    echo "addprinc -clearpolicy -pw $TRUST_PASSWORD krbtgt/$realm@$s"
  done
}

write_env() {
  local s var enctype name list=()
  {
    echo "# Source this file: . $dir/env"
    put REALM_KIND mit
    put REALM "$realm"
    put REALM_DIR "$dir"
    put KRB5_CONFIG "$dir/krb5.conf"
    put KRB5_KDC_PROFILE "$dir/kdc.conf"
    put KRB5CCNAME "FILE:$dir/krb5cc_default"
    put KDC_HOST 127.0.0.1
    put KDC_PORT "$kdc_port"
    put KADMIN_PORT "$kadmin_port"
    put KPASSWD_PORT "$kpasswd_port"
    put KDC_PID "$(cat "$dir/krb5kdc.pid")"
    put KADMIND_PID "$(cat "$dir/kadmind.pid")"
    put KDC_LOG "$dir/kdc.log"
    put KADMIND_LOG "$dir/kadmind.log"
    put MASTER_PASSWORD "$MASTER_PASSWORD"
    put SERVER_HOST "$SERVER_HOST"
    put ALICE_PRINCIPAL "alice@$realm"
    put ALICE_PASSWORD "$ALICE_PASSWORD"
    put BOB_PRINCIPAL "bob@$realm"
    put BOB_PASSWORD "$BOB_PASSWORD"
    put CAROL_PRINCIPAL "carol@$realm"
    put CAROL_PASSWORD "$CAROL_PASSWORD"
    put DAVE_PRINCIPAL "dave@$realm"
    put DAVE_PASSWORD "$DAVE_PASSWORD"
    put ADMIN_PRINCIPAL "admin/admin@$realm"
    put ADMIN_PASSWORD "$ADMIN_PASSWORD"
    put HOST_PRINCIPAL "host/$SERVER_HOST@$realm"
    put HOST_KEYTAB "$dir/host.keytab"
    put SERVICES_KEYTAB "$dir/services.keytab"
    for s in "${SERVICES[@]}"; do
      read -r var enctype name <<<"$s"
      put "SVC_$var" "$name/$SERVER_HOST@$realm"
      list+=("$enctype=$name/$SERVER_HOST@$realm")
    done
    put SERVICES "${list[*]}"
    put TRUSTS "${trusts[*]}"
    put PKINIT_CERTS "$pkinit_certs"
  } >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
}

# Starts krb5kdc and kadmind on the chosen ports, each in its own process
# group; returns non-zero (daemons stopped) if either fails to come up.
start_daemons() {
  rm -f "$dir/krb5kdc.pid" "$dir/kadmind.pid"
  setsid "$krb5kdc" -n -r "$realm" -P "$dir/krb5kdc.pid.daemon" </dev/null >>"$dir/krb5kdc.out" 2>&1 9>&- &
  echo $! >"$dir/krb5kdc.pid"
  setsid "$kadmind" -nofork -r "$realm" -P "$dir/kadmind.pid.daemon" </dev/null >>"$dir/kadmind.out" 2>&1 9>&- &
  echo $! >"$dir/kadmind.pid"
  local i
  for ((i = 0; i < 200; i++)); do
    if port_listening udp "$kdc_port" && port_listening tcp "$kdc_port" &&
      port_listening tcp "$kadmin_port" && port_listening udp "$kpasswd_port"; then
      return 0
    fi
    if ! pid_alive "$(cat "$dir/krb5kdc.pid")" || ! pid_alive "$(cat "$dir/kadmind.pid")"; then
      break
    fi
    sleep 0.02
  done
  stop_pidfile "$dir/krb5kdc.pid"
  stop_pidfile "$dir/kadmind.pid"
  return 1
}

cmd_start() {
  dir=$1
  shift
  realm=KRBKIT.TEST
  trusts=()
  extra_conf=""
  ipv6=""
  pkinit_certs=""
  pkinit_kdc=kdc
  local owner=""
  while (($#)); do
    case $1 in
      --name) realm=${2:?--name needs a value}; shift 2 ;;
      --owner) owner=${2:?--owner needs a value}; shift 2 ;;
      --trust) trusts+=("${2:?--trust needs a realm}"); shift 2 ;;
      --kdc-conf) extra_conf=$(cd "$(dirname "${2:?--kdc-conf needs a file}")" && pwd)/$(basename "$2"); shift 2 ;;
      --ipv6) ipv6=1; shift ;;
      --pkinit) pkinit_certs=$(cd "${2:?--pkinit needs a folder}" && pwd); shift 2 ;;
      --pkinit-kdc) pkinit_kdc=${2:?--pkinit-kdc needs a certificate name}; shift 2 ;;
      *) usage ;;
    esac
  done
  krb5kdc=$(find_tool krb5kdc)
  kadmind=$(find_tool kadmind)
  local kdb5_util kadmin_local
  kdb5_util=$(find_tool kdb5_util)
  kadmin_local=$(find_tool kadmin.local)

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ ! -e "$dir/env" ]] || die "$dir already holds a realm (stop it first)"
  export KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf
  unset KRB5CCNAME KRB5_KTNAME KRB5_TRACE

  # The database does not depend on the ports: build it before taking the lock.
  kdc_port=0 kadmin_port=0 kpasswd_port=0
  write_krb5_conf
  write_kdc_conf
  echo "admin/admin@$realm *e" >"$dir/kadm5.acl"
  "$kdb5_util" create -s -P "$MASTER_PASSWORD" -r "$realm" >"$dir/kdb5_util.out" 2>&1 ||
    die "kdb5_util create failed for $realm in $dir: $(tail -1 "$dir/kdb5_util.out")"
  principal_commands | "$kadmin_local" -r "$realm" >"$dir/kadmin.local.out" 2>&1 ||
    die "kadmin.local failed in $dir: $(tail -1 "$dir/kadmin.local.out")"
  if grep -q -i -E "error|failed|while" "$dir/kadmin.local.out"; then
    die "creating the principals in $dir failed: $(grep -i -m1 -E "error|failed|while" "$dir/kadmin.local.out")"
  fi

  # Ports: picked and bound under one lock so parallel realms never collide.
  exec 9>"$PORT_LOCK"
  flock 9
  local attempt ok=""
  for ((attempt = 0; attempt < 20; attempt++)); do
    pick_ports 3
    kdc_port=${PICKED[0]} kadmin_port=${PICKED[1]} kpasswd_port=${PICKED[2]}
    write_krb5_conf
    write_kdc_conf
    if start_daemons; then
      ok=1
      break
    fi
  done
  exec 9>&-
  [[ -n "$ok" ]] || die "krb5kdc/kadmind did not start in $dir: $(tail -2 "$dir/krb5kdc.out" "$dir/kadmind.out" "$dir/kdc.log" 2>/dev/null | tr '\n' ' ')"

  wait_for_kdc "$dir/krb5.conf" "$realm" "$kdc_port"
  write_env
  if [[ -n "$owner" ]]; then
    start_watchdog "$owner" "$self" "$dir"
  fi
}

case ${1:-} in
  start) (($# >= 2)) || usage; shift; cmd_start "$@" ;;
  stop) (($# == 2)) || usage; stop_realm_dir "$2" ;;
  *) usage ;;
esac
