#!/usr/bin/env bash
# A throwaway KCM daemon for tests, without systemd, each in a private mount
# namespace (unshare -m) so that its built-in paths are folders of DIR:
#
#   kcm.sh start DIR sssd|heimdal [--owner PID]   start it; writes DIR/kcm.env (KCM_SOCKET, KCM_KIND)
#   kcm.sh stop DIR                               stop it
#
# sssd-kcm (Debian sssd-kcm): its configuration, database, secrets and log
# folders are bind-mounted from DIR, and it listens at DIR/kcm.socket
# ([kcm] socket_path). Heimdal's kcm (heimdal-kcm, unpacked by heimdal.sh
# fetch-kcm) ignores --socket-path and always uses /run/.heim_org.h5l.kcm-socket:
# DIR/run is bind-mounted over /run, so the socket is DIR/run/.heim_org.h5l.kcm-socket.
# Clients point krb5.conf's [libdefaults] kcm_socket at KCM_SOCKET.
#
# The daemon runs as the child of a shell that stays (sssd_kcm ends itself
# with SIGTERM when its parent goes); the two are one process group, whose
# leader is in DIR/kcm.pid. --owner PID stops the daemon when PID ends.
# Exit status 3: the daemon's package is not installed or not downloadable.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=common.sh
. "$here/common.sh"

# stay_with PID: waits for the daemon PID; a SIGTERM to this shell ends it
# too (sssd_kcm leads a process group of its own).
stay_with() {
  trap 'kill -TERM "$1" 2>/dev/null; wait "$1"; exit 0' TERM
  wait "$1"
}

# Inside the namespace (kcm.sh inside-sssd|inside-heimdal DIR CACHE): mounts,
# then the daemon as a child of this shell.
inside_sssd() {
  local d=$1
  mount --bind "$d/etc" /etc/sssd
  mount --bind "$d/db" /var/lib/sss/db
  mount --bind "$d/secrets" /var/lib/sss/secrets
  mount --bind "$d/log" /var/log/sssd
  sssd --genconf-section=kcm -c /etc/sssd/sssd.conf
  /usr/libexec/sssd/sssd_kcm --uid 0 --gid 0 --logger=stderr &
  stay_with $!
}

inside_heimdal() {
  local d=$1 cache=$2
  mount --bind "$d/run" /run
  LD_LIBRARY_PATH=$cache/root/usr/lib/x86_64-linux-gnu "$cache/kcm-root/usr/sbin/kcm" &
  stay_with $!
}

# listening SOCKET: a connection to SOCKET is accepted (the file alone can
# appear before the daemon listens).
listening() {
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])' "$1" 2>/dev/null
}

prepare() {
  local d=$1 kind=$2
  case $kind in
    sssd)
      [[ -x /usr/libexec/sssd/sssd_kcm ]] || { echo "kcm.sh: sssd-kcm is not installed" >&2; exit 3; }
      mkdir -p "$d"/{etc/conf.d,db,secrets,log}
      SOCKET=$d/kcm.socket
      printf '[sssd]\nservices = kcm\n[kcm]\nsocket_path = %s\n' "$SOCKET" >"$d/etc/sssd.conf"
      chmod 600 "$d/etc/sssd.conf"
      CACHE=""
      ;;
    heimdal)
      "$here/heimdal.sh" fetch >/dev/null || exit 3
      CACHE=$("$here/heimdal.sh" fetch-kcm) || exit 3
      mkdir -p "$d/run"
      SOCKET=$d/run/.heim_org.h5l.kcm-socket
      ;;
    *) die "unknown daemon $kind (sssd or heimdal)" ;;
  esac
}

start() {
  local d=$1 kind=$2 owner=$3 pid i
  mkdir -p "$d"
  d=$(cd "$d" && pwd)
  prepare "$d" "$kind"
  rm -f "$SOCKET"
  setsid unshare -m --propagation private bash "$self" "inside-$kind" "$d" "$CACHE" \
    >"$d/kcm.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$d/kcm.pid"
  for ((i = 0; i < 200; i++)); do
    listening "$SOCKET" && break
    pid_alive "$pid" || die "the $kind KCM daemon exited: $(tail -3 "$d/kcm.log")"
    sleep 0.05
  done
  listening "$SOCKET" || { stop_realm_dir "$d"; die "nothing listens at $SOCKET after 10 s"; }
  [[ -n $owner ]] && start_watchdog "$owner" "$self" "$d"
  { put KCM_KIND "$kind"; put KCM_SOCKET "$SOCKET"; } >"$d/kcm.env"
}

case ${1:-} in
  start)
    [[ $# -eq 3 || ($# -eq 5 && $4 == --owner) ]] || die "usage: kcm.sh start DIR sssd|heimdal [--owner PID]"
    start "$2" "$3" "${5:-}"
    ;;
  stop) [[ $# -eq 2 ]] || die "usage: kcm.sh stop DIR"; stop_realm_dir "$2"; rm -f "$2/kcm.env" ;;
  inside-sssd) inside_sssd "$2" ;;
  inside-heimdal) inside_heimdal "$2" "$3" ;;
  *) die "usage: kcm.sh start DIR sssd|heimdal [--owner PID] | stop DIR" ;;
esac
