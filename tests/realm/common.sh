# Shared by realm.sh (MIT) and heimdal.sh: ports, processes, the env file.
# Sourced, not run.

# Parallel realms pick their ports under this lock and keep it until their
# daemons are bound, so two realms never get the same port.
PORT_LOCK=${KRBKIT_PORT_LOCK:-/tmp/krbkit-realm-ports.lock}
PORT_MIN=20000
PORT_MAX=32000 # below 32768, where the ephemeral range starts

die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

# put NAME VALUE: one line of the env file (values never hold a quote).
put() {
  printf "export %s='%s'\n" "$1" "$2"
}

# Ports with any socket on them, TCP or UDP, IPv4 or IPv6 (space separated,
# with spaces around).
used_ports() {
  local f line fields out=" "
  for f in /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6; do
    [[ -r $f ]] || continue
    while read -r -a fields; do
      [[ ${fields[1]} == *:* ]] || continue
      out+="$((16#${fields[1]##*:})) "
    done <"$f"
  done
  echo "$out"
}

# port_listening tcp|udp PORT: a listening TCP socket / a bound UDP socket.
port_listening() {
  local want=0A f fields hex
  [[ $1 == udp ]] && want=07
  printf -v hex '%04X' "$2"
  for f in /proc/net/"$1" /proc/net/"$1"6; do
    [[ -r $f ]] || continue
    while read -r -a fields; do
      if [[ ${fields[1]} == *:"$hex" && ${fields[3]} == "$want" ]]; then
        return 0
      fi
    done <"$f"
  done
  return 1
}

# pick_ports N: N consecutive free ports in PICKED[] (call it under PORT_LOCK).
pick_ports() {
  local n=$1 used base p i free
  used=$(used_ports)
  for ((i = 0; i < 1000; i++)); do
    base=$((PORT_MIN + (RANDOM * 32768 + RANDOM) % (PORT_MAX - PORT_MIN - n)))
    free=1
    for ((p = base; p < base + n; p++)); do
      if [[ "$used" == *" $p "* ]]; then
        free=""
        break
      fi
    done
    if [[ -n "$free" ]]; then
      PICKED=()
      for ((p = base; p < base + n; p++)); do PICKED+=("$p"); done
      return 0
    fi
  done
  die "no $n free consecutive ports between $PORT_MIN and $PORT_MAX"
}

# pid_alive PID: running and not a zombie (killed daemons linger as zombies
# in some containers, so kill -0 is not enough).
pid_alive() {
  local pid=$1 stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat:0:1}" != Z && "${stat:0:1}" != X ]]
}

# stop_pidfile FILE: ends the process group led by the pid in FILE (the
# daemons are started with setsid), waits until it is gone, removes FILE.
stop_pidfile() {
  local file=$1 pid i
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file" 2>/dev/null || true)
  if pid_alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      pid_alive "$pid" || break
      sleep 0.02
    done
    if pid_alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do
        pid_alive "$pid" || break
        sleep 0.02
      done
    fi
  fi
  rm -f "$file"
}

# stop_realm_dir DIR: stops the watchdog and every daemon of the realm in DIR.
stop_realm_dir() {
  local dir=$1 f
  set +e
  stop_pidfile "$dir/watchdog.pid"
  for f in "$dir"/*.pid; do
    [[ -e "$f" ]] && stop_pidfile "$f"
  done
  rm -f "$dir/env"
  return 0
}

# start_watchdog OWNER SCRIPT DIR: a detached process that runs
# `SCRIPT stop DIR` once process OWNER has ended.
start_watchdog() {
  local owner=$1 script=$2 dir=$3
  setsid bash -c '
    . "$1"
    while pid_alive "$2"; do sleep 0.5; done
    rm -f "$4/watchdog.pid"
    exec "$3" stop "$4"' watchdog "$(dirname "$script")/common.sh" "$owner" "$script" "$dir" \
    </dev/null >/dev/null 2>&1 9>&- &
  echo $! >"$dir/watchdog.pid"
}

# wait_for_kdc CONFIG REALM PORT: waits until the KDC answers an AS request
# (made with MIT's kinit, never krbkit's, for a principal that does not
# exist, so that no password is needed): proves the whole path works.
wait_for_kdc() {
  local i out kinit=/usr/bin/kinit
  [[ -x $kinit ]] || kinit=$(command -v kinit) || die "MIT's kinit is not installed (krb5-user)"
  for ((i = 0; i < 100; i++)); do
    out=$(KRB5_CONFIG=$1 KRB5_TRACE=/dev/null "$kinit" -c "MEMORY:probe" "nobody-probe@$2" </dev/null 2>&1 || true)
    if [[ "$out" == *"not found in Kerberos database"* ]]; then
      return 0
    fi
    sleep 0.05
  done
  die "the KDC of $2 does not answer on 127.0.0.1:$3 (last kinit output: $out)"
}
