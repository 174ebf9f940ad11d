#!/usr/bin/env bash
# A throwaway Heimdal realm on 127.0.0.1 for interop tests.
#
#   heimdal.sh fetch                      download + unpack Heimdal once (cached)
#   heimdal.sh fetch-kcm                  the same for Heimdal's kcm (tests/realm/kcm.sh); prints the cache
#   heimdal.sh start DIR [--name REALM] [--owner PID] [--pkinit CERTS]
#   heimdal.sh stop DIR
#
# Debian's heimdal-kdc conflicts with krb5-kdc, so Heimdal is never
# installed: `fetch` takes the packages with `apt-get download` and unpacks
# them with `dpkg -x` into a cache ($KRBKIT_HEIMDAL_CACHE, else
# /var/cache/krbkit-heimdal when writable, else ~/.cache/krbkit-heimdal) with
# wrapper scripts in <cache>/bin that run Heimdal's tools with its libraries.
# `fetch` exits 3 when the packages cannot be downloaded (tests then skip).
#
# `start` runs Heimdal's kdc (UDP+TCP), kpasswdd (UDP) and kadmind (TCP, one
# per connection behind kadmind_relay.py, since kadmind cannot be bound to
# loopback only; ACL: admin/admin may do everything, get-keys included) on
# free ports below 32768 with realm HKRBKIT.TEST, principals alice (pre-authentication
# required), bob, carol (password changes, minimum length 8), dave (password
# expired), admin/admin and host/server.krbkit.test (keytab DIR/host.keytab),
# one service per enctype Heimdal has, and writes DIR/env like realm.sh
# (plus HEIMDAL_BIN, the wrappers' folder). See README.md.
#
# --pkinit CERTS gives the KDC PKINIT with the certificates pkinit_certs.sh
# made in CERTS for the realm (kdc.pem signs, ca.pem is the anchor, also the
# clients' in krb5.conf), allows anonymous tickets and adds
# WELLKNOWN/ANONYMOUS, as realm.sh --pkinit does for MIT.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=common.sh
. "$here/common.sh"

SERVER_HOST=server.krbkit.test
ALICE_PASSWORD=alice-pw-1
BOB_PASSWORD=bob-pw-1
CAROL_PASSWORD=carol-pw-1
DAVE_PASSWORD=dave-pw-1
ADMIN_PASSWORD=admin-pw-1

PACKAGES=(heimdal-kdc heimdal-clients libasn1-8-heimdal libgssapi3-heimdal libhcrypto5-heimdal
  libhdb9-heimdal libheimbase1-heimdal libheimntlm0-heimdal libkadm5srv8-heimdal libkdc2-heimdal
  libkrb5-26-heimdal libroken19-heimdal libsl0-heimdal libhx509-5-heimdal libkadm5clnt7-heimdal
  libkafs0-heimdal libotp0-heimdal libwind0-heimdal)

# Heimdal 7.8 has no camellia. "<variable suffix> <enctype> <principal name>"
SERVICES=(
  "AES256_SHA1 aes256-cts-hmac-sha1-96 svc-aes256-sha1"
  "AES128_SHA1 aes128-cts-hmac-sha1-96 svc-aes128-sha1"
  "AES256_SHA384 aes256-cts-hmac-sha384-192 svc-aes256-sha384"
  "AES128_SHA256 aes128-cts-hmac-sha256-128 svc-aes128-sha256"
  "RC4 arcfour-hmac-md5 svc-rc4"
)

# Marks a complete cache; bump when the cache's layout or wrappers change.
READY=ready-2

usage() {
  echo "usage: heimdal.sh fetch | fetch-kcm | start DIR [--name REALM] [--owner PID] [--pkinit CERTS] | stop DIR" >&2
  exit 2
}

cache_dir() {
  if [[ -n "${KRBKIT_HEIMDAL_CACHE:-}" ]]; then
    echo "$KRBKIT_HEIMDAL_CACHE"
  elif mkdir -p /var/cache/krbkit-heimdal 2>/dev/null && [[ -w /var/cache/krbkit-heimdal ]]; then
    echo /var/cache/krbkit-heimdal
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/krbkit-heimdal"
  fi
}

# wrapper NAME PROGRAM [ARGV0]: <cache>/bin/NAME runs PROGRAM with Heimdal's libraries.
wrapper() {
  local name=$1 program=$2 argv0=${3:-}
  {
    echo '#!/bin/bash'
    echo "LD_LIBRARY_PATH='$cache/root/usr/lib/x86_64-linux-gnu'\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
    echo 'export LD_LIBRARY_PATH'
    if [[ -n "$argv0" ]]; then
      echo "exec -a $argv0 '$program' \"\$@\""
    else
      echo "exec '$program' \"\$@\""
    fi
  } >"$cache/bin/$name"
  chmod +x "$cache/bin/$name"
}

apt_download() {
  (cd "$cache/debs.tmp" && apt-get download -q "${PACKAGES[@]}") >"$cache/download.log" 2>&1
}

cmd_fetch() {
  cache=$(cache_dir)
  mkdir -p "$cache"
  exec 8>"$cache/.lock"
  flock 8
  if [[ -f "$cache/$READY" ]]; then
    return 0
  fi
  command -v apt-get >/dev/null || { echo "heimdal.sh: no apt-get on this machine" >&2; exit 3; }
  rm -rf "$cache/debs.tmp" "$cache/root" "$cache/bin"
  mkdir -p "$cache/debs.tmp"
  if ! apt_download; then
    # A fresh machine may have no package lists yet: update once and retry.
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
    "${sudo[@]}" apt-get update -qq >>"$cache/download.log" 2>&1 || true
    if ! apt_download; then
      echo "heimdal.sh: apt-get download ${PACKAGES[*]} failed: $(tail -1 "$cache/download.log")" >&2
      exit 3
    fi
  fi
  local deb
  for deb in "$cache"/debs.tmp/*.deb; do
    dpkg -x "$deb" "$cache/root" || die "dpkg -x $deb failed"
  done
  rm -rf "$cache/debs.tmp"
  mkdir -p "$cache/bin"
  local u=$cache/root/usr
  wrapper kinit "$u/bin/kinit.heimdal"
  wrapper klist "$u/bin/heimtools" klist
  wrapper kdestroy "$u/bin/kdestroy.heimdal"
  wrapper kswitch "$u/bin/heimtools" kswitch
  wrapper kgetcred "$u/bin/kgetcred"
  wrapper kadmin "$u/bin/kadmin.heimdal"
  wrapper ktutil "$u/bin/ktutil.heimdal"
  wrapper kpasswd "$u/bin/kpasswd.heimdal"
  wrapper heimtools "$u/bin/heimtools"
  wrapper string2key "$u/bin/string2key"
  wrapper kdc "$u/lib/heimdal-servers/kdc"
  wrapper kpasswdd "$u/lib/heimdal-servers/kpasswdd"
  wrapper kadmind "$u/lib/heimdal-servers/kadmind"
  "$cache/bin/kinit" --version >/dev/null 2>&1 || die "Heimdal's kinit does not run from $cache"
  rm -f "$cache"/ready*
  touch "$cache/$READY"
}

write_conf() {
  local keys=() s
  for s in "${SERVICES[@]}"; do
    read -r _ enctype _ <<<"$s"
    keys+=("$enctype:pw-salt")
  done
  cat >"$dir/krb5.conf" <<EOF
[libdefaults]
    default_realm = $realm
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
    allow_rc4 = true
    default_ccache_name = FILE:$dir/krb5cc_default
    default_cc_name = FILE:$dir/krb5cc_default
    default_keytab_name = FILE:$dir/default.keytab

[realms]
    $realm = {
        kdc = 127.0.0.1:$kdc_port
        kpasswd_server = 127.0.0.1:$kpasswd_port
        admin_server = 127.0.0.1:$kadmin_port${pkinit_certs:+
        pkinit_anchors = FILE:$pkinit_certs/ca.pem}
    }

[domain_realm]
    .krbkit.test = $realm
    krbkit.test = $realm

[kdc]
    database = {
        dbname = sqlite:$dir/heimdal.db
        realm = $realm
        mkey_file = $dir/m-key
        acl_file = $dir/kadmind.acl
        log_file = $dir/kadmin-log
    }
    require-preauth = false
    enable-kx509 = false${pkinit_certs:+
    enable-pkinit = yes
    pkinit_identity = FILE:$pkinit_certs/kdc.pem,$pkinit_certs/kdc.key
    pkinit_anchors = FILE:$pkinit_certs/ca.pem
    pkinit_principal_in_certificate = yes
    allow-anonymous = true}

[kadmin]
    default_keys = ${keys[*]}

[password_quality]
    policies = minimum-length
    min_length = 8

[logging]
    kdc = FILE:$dir/kdc.log
    kpasswdd = FILE:$dir/kpasswdd.log
    kadmind = FILE:$dir/kadmind.log
    default = FILE:$dir/heimdal.log
EOF
}

principal_commands() {
  local s enctype name other oenc others
  echo "init --realm-max-ticket-life=10h --realm-max-renewable-life=7d $realm"
  echo "add --password=$ALICE_PASSWORD --use-defaults alice"
  echo "modify --attributes=+requires-pre-auth alice"
  echo "add --password=$BOB_PASSWORD --use-defaults bob"
  echo "add --password=$CAROL_PASSWORD --use-defaults carol"
  echo "add --password=$DAVE_PASSWORD --use-defaults --pw-expiration-time=2000-01-01 dave"
  echo "add --password=$ADMIN_PASSWORD --use-defaults admin/admin"
  echo "add --random-key --use-defaults host/$SERVER_HOST"
  echo "ext_keytab --keytab=$dir/host.keytab host/$SERVER_HOST"
  for s in "${SERVICES[@]}"; do
    read -r _ enctype name <<<"$s"
    others=()
    for other in "${SERVICES[@]}"; do
      read -r _ oenc _ <<<"$other"
      [[ $oenc == "$enctype" ]] || others+=("$oenc")
    done
    echo "add --random-key --use-defaults $name/$SERVER_HOST"
    echo "del_enctype $name/$SERVER_HOST ${others[*]}"
    echo "ext_keytab --keytab=$dir/services.keytab $name/$SERVER_HOST"
  done
}

write_env() {
  local s var enctype name list=()
  {
    echo "# Source this file: . $dir/env"
    put REALM_KIND heimdal
    put REALM "$realm"
    put REALM_DIR "$dir"
    put KRB5_CONFIG "$dir/krb5.conf"
    put KRB5CCNAME "FILE:$dir/krb5cc_default"
    put KDC_HOST 127.0.0.1
    put KDC_PORT "$kdc_port"
    put KPASSWD_PORT "$kpasswd_port"
    put KADMIN_PORT "$kadmin_port"
    put KDC_PID "$(cat "$dir/kdc.pid")"
    put KPASSWDD_PID "$(cat "$dir/kpasswdd.pid")"
    put KADMIND_PID "$(cat "$dir/kadmind.pid")"
    put KDC_LOG "$dir/kdc.log"
    put KADMIND_LOG "$dir/kadmind.log"
    put HEIMDAL_BIN "$cache/bin"
    put PKINIT_CERTS "$pkinit_certs"
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
      # The env file uses MIT's enctype names, whichever the KDC.
      [[ $enctype == arcfour-hmac-md5 ]] && enctype=arcfour-hmac
      list+=("$enctype=$name/$SERVER_HOST@$realm")
    done
    put SERVICES "${list[*]}"
  } >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
}

start_daemons() {
  local b=$cache/bin i
  setsid "$b/kdc" --config-file="$dir/krb5.conf" --addresses=127.0.0.1 --ports="$kdc_port" \
    </dev/null >>"$dir/kdc.out" 2>&1 9>&- &
  echo $! >"$dir/kdc.pid"
  setsid "$b/kpasswdd" --config-file="$dir/krb5.conf" --addresses=127.0.0.1 --port="$kpasswd_port" \
    --realm="$realm" </dev/null >>"$dir/kpasswdd.out" 2>&1 9>&- &
  echo $! >"$dir/kpasswdd.pid"
  setsid python3 "$here/kadmind_relay.py" "$kadmin_port" "$b/kadmind" --config-file="$dir/krb5.conf" \
    --realm="$realm" </dev/null >>"$dir/kadmind.out" 2>&1 9>&- &
  echo $! >"$dir/kadmind.pid"
  for ((i = 0; i < 200; i++)); do
    if port_listening udp "$kdc_port" && port_listening tcp "$kdc_port" &&
      port_listening udp "$kpasswd_port" && port_listening tcp "$kadmin_port"; then
      return 0
    fi
    if ! pid_alive "$(cat "$dir/kdc.pid")" || ! pid_alive "$(cat "$dir/kpasswdd.pid")" ||
      ! pid_alive "$(cat "$dir/kadmind.pid")"; then
      break
    fi
    sleep 0.02
  done
  stop_pidfile "$dir/kdc.pid"
  stop_pidfile "$dir/kpasswdd.pid"
  stop_pidfile "$dir/kadmind.pid"
  return 1
}

cmd_start() {
  dir=$1
  shift
  realm=HKRBKIT.TEST
  local owner=""
  pkinit_certs=""
  while (($#)); do
    case $1 in
      --name) realm=${2:?--name needs a value}; shift 2 ;;
      --owner) owner=${2:?--owner needs a value}; shift 2 ;;
      --pkinit) pkinit_certs=$(cd "${2:?--pkinit needs a folder}" && pwd); shift 2 ;;
      *) usage ;;
    esac
  done
  local rc=0
  (cmd_fetch) || rc=$?
  ((rc == 0)) || exit "$rc"
  cache=$(cache_dir)

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ ! -e "$dir/env" ]] || die "$dir already holds a realm (stop it first)"
  export KRB5_CONFIG=$dir/krb5.conf
  unset KRB5CCNAME KRB5_KTNAME KRB5_TRACE

  kdc_port=0 kpasswd_port=0 kadmin_port=0
  write_conf
  echo "admin/admin@$realm all,get-keys" >"$dir/kadmind.acl"
  principal_commands | "$cache/bin/kadmin" --config-file="$dir/krb5.conf" -l >"$dir/kadmin-l.out" 2>&1 ||
    die "Heimdal kadmin -l failed in $dir: $(tail -1 "$dir/kadmin-l.out")"
  if [[ -s "$dir/kadmin-l.out" ]]; then
    die "creating the Heimdal principals in $dir failed: $(head -1 "$dir/kadmin-l.out")"
  fi

  exec 9>"$PORT_LOCK"
  flock 9
  local attempt ok=""
  for ((attempt = 0; attempt < 20; attempt++)); do
    pick_ports 3
    kdc_port=${PICKED[0]} kpasswd_port=${PICKED[1]} kadmin_port=${PICKED[2]}
    write_conf
    if start_daemons; then
      ok=1
      break
    fi
  done
  exec 9>&-
  [[ -n "$ok" ]] || die "Heimdal kdc/kpasswdd/kadmind did not start in $dir: $(tail -2 "$dir/kdc.out" "$dir/kpasswdd.out" "$dir/kadmind.out" "$dir/kdc.log" 2>/dev/null | tr '\n' ' ')"

  wait_for_kdc "$dir/krb5.conf" "$realm" "$kdc_port"
  write_env
  if [[ -n "$owner" ]]; then
    start_watchdog "$owner" "$self" "$dir"
  fi
}

# Heimdal's KCM daemon (heimdal-kcm) for tests/realm/kcm.sh, unpacked into
# <cache>/kcm-root beside the rest (which must be there: fetch first), so
# adding it does not unpack everything again; prints <cache>.
cmd_fetch_kcm() {
  cache=$(cache_dir)
  exec 8>"$cache/.lock"
  flock 8
  if [[ ! -x "$cache/kcm-root/usr/sbin/kcm" ]]; then
    rm -rf "$cache/kcm.tmp" "$cache/kcm-root"
    mkdir -p "$cache/kcm.tmp"
    if ! (cd "$cache/kcm.tmp" && apt-get download -q heimdal-kcm) >"$cache/download-kcm.log" 2>&1; then
      echo "heimdal.sh: apt-get download heimdal-kcm failed: $(tail -1 "$cache/download-kcm.log")" >&2
      exit 3
    fi
    dpkg -x "$cache"/kcm.tmp/heimdal-kcm_*.deb "$cache/kcm-root" || die "dpkg -x heimdal-kcm failed"
    rm -rf "$cache/kcm.tmp"
  fi
  echo "$cache"
}

case ${1:-} in
  fetch) (($# == 1)) || usage; cmd_fetch ;;
  fetch-kcm) (($# == 1)) || usage; cmd_fetch_kcm ;;
  start) (($# >= 2)) || usage; shift; cmd_start "$@" ;;
  stop) (($# == 2)) || usage; stop_realm_dir "$2" ;;
  *) usage ;;
esac
