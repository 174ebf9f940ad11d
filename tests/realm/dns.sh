#!/usr/bin/env bash
# A throwaway DNS server (dnsmasq) for krbkit's discovery tests.
#
#   dns.sh start DIR [--owner PID]
#   dns.sh stop DIR
#
# `start` serves the dnsmasq directives of DIR/records.conf (srv-host=,
# host-record=, txt-record=, dns-rr= for URI records...) on port 53 of a
# private loopback address 127.X.Y.53 picked at random (resolv.conf cannot
# name a port; no address needs adding to lo, 127/8 is local), retrying
# another address when that one is taken. It writes DIR/resolv.conf naming
# that server and DIR/dns.env (DNS_ADDRESS, RESOLV_CONF, DNS_LOG). The tools
# see the server when DIR/resolv.conf is bind-mounted on /etc/resolv.conf in
# a private mount namespace (unshare -m); nothing outside DIR is touched.
# --owner PID starts a watchdog that stops the server when PID ends.
# `stop` kills the server (and the watchdog) and always succeeds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=common.sh
. "$here/common.sh"

usage() {
  echo "usage: dns.sh start DIR [--owner PID] | dns.sh stop DIR" >&2
  exit 2
}

# write_conf ADDRESS: dnsmasq's configuration, answering only from DIR.
write_conf() {
  cat >"$dir/dnsmasq.conf" <<CONF
no-resolv
no-hosts
no-poll
bind-interfaces
listen-address=$1
port=53
user=root
pid-file=$dir/dnsmasq.pid
log-queries
log-facility=$dir/dnsmasq.log
local=/test/
conf-file=$dir/records.conf
CONF
}

start() {
  local owner="" address i
  while (($#)); do
    case $1 in
      --owner) owner=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  command -v dnsmasq >/dev/null || [[ -x /usr/sbin/dnsmasq ]] || die "dnsmasq is not installed (scripts/bootstrap)"
  [[ -f "$dir/records.conf" ]] || die "$dir/records.conf is missing"
  for ((i = 0; i < 20; i++)); do
    address=127.$((RANDOM % 254 + 1)).$((RANDOM % 254 + 1)).53
    write_conf "$address"
    # dnsmasq forks into the background once its socket is bound: when it
    # returns 0 the server answers; 2 is a socket already in use.
    if PATH=/usr/sbin:$PATH dnsmasq --conf-file="$dir/dnsmasq.conf" 2>"$dir/dnsmasq.err"; then
      printf 'nameserver %s\noptions timeout:2 attempts:2\n' "$address" >"$dir/resolv.conf"
      {
        put DNS_ADDRESS "$address"
        put RESOLV_CONF "$dir/resolv.conf"
        put DNS_LOG "$dir/dnsmasq.log"
      } >"$dir/dns.env"
      [[ -n "$owner" ]] && start_watchdog "$owner" "$self" "$dir"
      return 0
    fi
    grep -q "in use" "$dir/dnsmasq.err" || die "dnsmasq did not start: $(cat "$dir/dnsmasq.err")"
  done
  die "no free loopback address for dnsmasq after $i tries"
}

[[ $# -ge 2 ]] || usage
cmd=$1
dir=$2
shift 2
case $cmd in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    start "$@"
    ;;
  stop)
    stop_realm_dir "$dir"
    rm -f "$dir/dns.env"
    ;;
  *) usage ;;
esac
