#!/usr/bin/env bash
# A throwaway MS-KKDCP proxy (python3-kdcproxy behind gunicorn, over TLS) in
# front of a test realm's KDC, for krbkit's HTTPS tests.
#
#   kdcproxy.sh start DIR --realm REALM --kdc HOST:PORT --kpasswd HOST:PORT [--owner PID]
#   kdcproxy.sh stop DIR
#
# `start` makes, with the openssl CLI, a CA (DIR/ca.pem), the proxy's
# certificate from it for IP:127.0.0.1 only (so https://localhost/... is a
# name mismatch), the same one dated 2020 (expired) and a second, unrelated
# CA (DIR/other-ca.pem); writes DIR/kdcproxy.conf naming the realm's KDC and
# password server; starts gunicorn on 127.0.0.1 at a free port below 32768
# (picked under the realm harness's port lock), and a second gunicorn with
# the expired certificate at the next port, and waits until both listen.
# DIR/kdcproxy.env then has KDCPROXY_PORT, KDCPROXY_URL
# (https://127.0.0.1:PORT/KdcProxy), KDCPROXY_EXPIRED_URL, KDCPROXY_CA,
# KDCPROXY_OTHER_CA, KDCPROXY_LOG. --owner PID starts a watchdog that stops
# the proxy when PID ends. `stop` always succeeds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=common.sh
. "$here/common.sh"

usage() {
  echo "usage: kdcproxy.sh start DIR --realm REALM --kdc HOST:PORT --kpasswd HOST:PORT [--owner PID] | kdcproxy.sh stop DIR" >&2
  exit 2
}

make_certificates() {
  local ssl="openssl" ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  $ssl req -x509 "${ec[@]}" -days 2 -subj "/CN=krbkit test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>>"$dir/openssl.log"
  $ssl req -x509 "${ec[@]}" -days 2 -subj "/CN=krbkit other CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.pem" 2>>"$dir/openssl.log"
  $ssl req "${ec[@]}" -subj "/CN=127.0.0.1" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>>"$dir/openssl.log"
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$dir/server.ext"
  $ssl x509 -req -days 2 -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -extfile "$dir/server.ext" -out "$dir/server.pem" 2>>"$dir/openssl.log"
  # The same key and name, from the same CA, valid only on 1-2 January 2020:
  # `openssl x509` cannot date a certificate in the past, `openssl ca` can.
  mkdir -p "$dir/ca-db"
  : >"$dir/ca-db/index.txt"
  cat >"$dir/ca-db/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $dir/ca-db/index.txt
new_certs_dir = $dir/ca-db
serial = $dir/ca-db/serial
default_md = sha256
policy = anything
[anything]
commonName = supplied
CNF
  echo 01 >"$dir/ca-db/serial"
  $ssl ca -batch -notext -config "$dir/ca-db/ca.cnf" -cert "$dir/ca.pem" -keyfile "$dir/ca.key" \
    -in "$dir/server.csr" -extfile "$dir/server.ext" -startdate 20200101000000Z -enddate 20200102000000Z \
    -out "$dir/expired.pem" 2>>"$dir/openssl.log"
}

# start_proxy NAME PORT CERT: gunicorn in its own process group, its pid in
# DIR/NAME.pid; 0 once it listens.
start_proxy() {
  local name=$1 port=$2 cert=$3 i
  KDCPROXY_CONFIG=$dir/kdcproxy.conf setsid /usr/bin/gunicorn --certfile "$cert" \
    --keyfile "$dir/server.key" --bind "127.0.0.1:$port" --workers 2 --chdir "$dir" \
    kdcproxy:application </dev/null >>"$dir/$name.log" 2>&1 9>&- &
  echo $! >"$dir/$name.pid"
  for ((i = 0; i < 500; i++)); do
    port_listening tcp "$port" && return 0
    pid_alive "$(cat "$dir/$name.pid")" || break
    sleep 0.02
  done
  stop_pidfile "$dir/$name.pid"
  return 1
}

# start_both: the proxy and its twin with the expired certificate, at two
# ports picked under the realm harness's port lock; 0 when both listen.
start_both() {
  local attempt
  exec 9>"$PORT_LOCK"
  flock 9
  for ((attempt = 0; attempt < 10; attempt++)); do
    pick_ports 2
    if start_proxy kdcproxy "${PICKED[0]}" "$dir/server.pem"; then
      if start_proxy expired "${PICKED[1]}" "$dir/expired.pem"; then
        exec 9>&-
        return 0
      fi
      stop_pidfile "$dir/kdcproxy.pid"
    fi
  done
  exec 9>&-
  return 1
}

cmd_start() {
  local realm="" kdc="" kpasswd="" owner=""
  while (($#)); do
    case $1 in
      --realm) realm=$2; shift 2 ;;
      --kdc) kdc=$2; shift 2 ;;
      --kpasswd) kpasswd=$2; shift 2 ;;
      --owner) owner=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ -n "$realm" && -n "$kdc" && -n "$kpasswd" ]] || usage
  [[ -x /usr/bin/gunicorn ]] || die "gunicorn is not installed (scripts/bootstrap)"
  /usr/bin/python3 -c "import kdcproxy" 2>/dev/null || die "python3-kdcproxy is not installed (scripts/bootstrap)"
  make_certificates || die "openssl failed: $(tail -2 "$dir/openssl.log")"
  cat >"$dir/kdcproxy.conf" <<CONF
[global]
use_dns = false

[$realm]
kerberos = kerberos://$kdc
kpasswd = kpasswd://$kpasswd
CONF
  start_both || die "gunicorn did not start in $dir: $(tail -3 "$dir/kdcproxy.log" "$dir/expired.log" | tr '\n' ' ')"
  {
    put KDCPROXY_PORT "${PICKED[0]}"
    put KDCPROXY_URL "https://127.0.0.1:${PICKED[0]}/KdcProxy"
    put KDCPROXY_EXPIRED_URL "https://127.0.0.1:${PICKED[1]}/KdcProxy"
    put KDCPROXY_CA "$dir/ca.pem"
    put KDCPROXY_OTHER_CA "$dir/other-ca.pem"
    put KDCPROXY_LOG "$dir/kdcproxy.log"
  } >"$dir/kdcproxy.env"
  [[ -n "$owner" ]] && start_watchdog "$owner" "$self" "$dir"
  return 0
}

[[ $# -ge 2 ]] || usage
cmd=$1
dir=$2
shift 2
case $cmd in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    cmd_start "$@"
    ;;
  stop)
    stop_realm_dir "$dir"
    rm -f "$dir/kdcproxy.env"
    ;;
  *) usage ;;
esac
