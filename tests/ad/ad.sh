#!/usr/bin/env bash
# A throwaway Samba Active Directory domain controller on a loopback address
# for krbkit's tests (realm AD.KRBKIT.TEST).
#
#   ad.sh start DIR [--owner PID] [--addr 127.0.0.N]
#   ad.sh stop DIR
#   ad.sh template          # only build (or check) the cached template
#
# `start` puts everything in DIR: a copy of a provisioned and populated DC
# (smb.conf, sam.ldb, sysvol, logs, pid file), the client krb5.conf
# (KRB5_CONFIG), the exported keytabs, and DIR/env, a file to source
# (`. DIR/env`) that exports REALM, KRB5_CONFIG, the KDC address, the test
# accounts with their passwords and the keytab paths (README.md beside this
# script). Nothing in /etc or /var/lib/samba is read or written: provision
# gets an empty smb.conf and --targetdir, and the DC binds only to its
# loopback address (127.0.0.2 unless that is taken; then .3, .4, ...).
#
# Provisioning and creating the accounts take 20-60 s, so the result is kept
# as a template ($KRBKIT_AD_CACHE, else /var/cache/krbkit-ad when writable,
# else ~/.cache/krbkit-ad), keyed by this script and the samba version; a
# start copies it (a second or two) and starts samba (a few seconds).
# --owner PID starts a watchdog that stops the DC when process PID ends.
# `stop` ends samba's process group and always succeeds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
# shellcheck source=../realm/common.sh
. "$here/../realm/common.sh"

REALM=AD.KRBKIT.TEST
DNS_DOMAIN=ad.krbkit.test
NETBIOS_DOMAIN=KRBKIT
DC_NAME=DC1
ADMIN_PASSWORD='Admin-Pass-123!'
ALICE_PASSWORD='Alice-Pass-1'
BOB_PASSWORD='Bob-Pass-1'
BOB_UPN='bob.smith@corp.krbkit.test'
CAROL_PASSWORD='Carol-Pass-1'
DAVE_PASSWORD='Dave-Pass-1'
RC4_PASSWORD='Rc4only-Pass-1'
EXP_PASSWORD='Exp-Pass-1'
DIS_PASSWORD='Dis-Pass-1'
SVC_PASSWORD='Svc-Pass-123'
MACHINE_PASSWORD='Ws1-Machine-Pass-1'
AD_LOCK=${KRBKIT_AD_LOCK:-/tmp/krbkit-ad.lock}
# samba-tool and samba's Python modules need Debian's interpreter (a pyenv
# python3 first on PATH cannot import samba).
PY=/usr/bin/python3

usage() {
  echo "usage: ad.sh start DIR [--owner PID] [--addr 127.0.0.N] | ad.sh stop DIR | ad.sh template" >&2
  exit 2
}

need() {
  local t
  for t in "$@"; do
    [[ -x "/usr/sbin/$t" || -x "/usr/bin/$t" ]] ||
      die "$t not found: install samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind ldb-tools krb5-user (scripts/bootstrap)"
  done
}

tool() { # samba-tool under Debian's python, quiet unless it fails
  local out
  if ! out=$(PATH=/usr/sbin:/usr/bin:/bin "$PY" /usr/bin/samba-tool "$@" -s "$tpl/etc/smb.conf" 2>&1); then
    die "samba-tool $1 $2 failed: $(echo "$out" | tail -2 | tr '\n' ' ')"
  fi
}

cache_root() {
  if [[ -n "${KRBKIT_AD_CACHE:-}" ]]; then
    echo "$KRBKIT_AD_CACHE"
  elif mkdir -p /var/cache/krbkit-ad 2>/dev/null && [[ -w /var/cache/krbkit-ad ]]; then
    echo /var/cache/krbkit-ad
  else
    echo "$HOME/.cache/krbkit-ad"
  fi
}

template_key() {
  {
    sed -n '/^# ---- template ----$/,/^# ---- end template ----$/p' "$self"
    dpkg-query -W -f='${Version}' samba 2>/dev/null || echo unknown
  } | sha256sum | cut -c1-16
}

# ---- template ----
# Everything between these markers makes up the cache key.
provision() { # provision and populate the DC in $tpl (samba not running)
  rm -rf "$tpl"
  mkdir -p "$tpl"
  : >"$tpl/empty.conf"
  local out
  if ! out=$(PATH=/usr/sbin:/usr/bin:/bin "$PY" /usr/bin/samba-tool domain provision -s "$tpl/empty.conf" \
    --targetdir="$tpl" --realm="$REALM" --domain="$NETBIOS_DOMAIN" --host-name="$DC_NAME" \
    --host-ip=127.0.0.2 --server-role=dc --dns-backend=NONE \
    --adminpass="$ADMIN_PASSWORD" --option="interfaces = 127.0.0.2/8" \
    --option="bind interfaces only = yes" 2>&1); then
    die "samba-tool domain provision failed in $tpl: $(echo "$out" | tail -3 | tr '\n' ' ')"
  fi
  rm -f "$tpl/empty.conf"
  mkdir -p "$tpl/log" "$tpl/run"
  local H=(-H "$tpl/private/sam.ldb")

  # Password policy: complex passwords, no minimum age or history, no expiry.
  tool domain passwordsettings set "${H[@]}" --min-pwd-age=0 --max-pwd-age=0 --history-length=0 --min-pwd-length=7
  tool user create alice "$ALICE_PASSWORD" "${H[@]}" --use-username-as-cn
  tool user create bob "$BOB_PASSWORD" "${H[@]}" --use-username-as-cn
  tool user create carol "$CAROL_PASSWORD" "${H[@]}" --use-username-as-cn
  tool user create dave "$DAVE_PASSWORD" "${H[@]}" --use-username-as-cn
  tool user create rc4only "$RC4_PASSWORD" "${H[@]}" --use-username-as-cn
  tool user create expuser "$EXP_PASSWORD" "${H[@]}" --use-username-as-cn --must-change-at-next-login
  tool user create disuser "$DIS_PASSWORD" "${H[@]}" --use-username-as-cn
  tool user disable disuser "${H[@]}"
  local s
  for s in websvc defsvc legacysvc delegsvc kcdsvc; do
    tool user create "$s" "$SVC_PASSWORD" "${H[@]}" --use-username-as-cn
  done
  tool computer create WS1 "${H[@]}" --service-principal-name=host/ws1.$DNS_DOMAIN
  tool user setpassword 'WS1$' "${H[@]}" --newpassword="$MACHINE_PASSWORD"
  tool group add krbkit-testers "${H[@]}"
  tool group addmembers krbkit-testers alice "${H[@]}"

  # Attributes in one LDIF: SPNs, supported enctypes, bob's UPN.
  local base
  base=$(echo "$DNS_DOMAIN" | sed 's/^/DC=/; s/\./,DC=/g')
  spn() { # spn ACCOUNT SPN [msDS-SupportedEncryptionTypes]
    printf 'dn: CN=%s,CN=Users,%s\nchangetype: modify\nreplace: servicePrincipalName\nservicePrincipalName: %s\n' \
      "$1" "$base" "$2"
    [[ -z ${3:-} ]] || printf -- '-\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: %s\n' "$3"
    echo
  }
  {
    cat <<EOF
dn: CN=bob,CN=Users,$base
changetype: modify
replace: userPrincipalName
userPrincipalName: $BOB_UPN

dn: CN=rc4only,CN=Users,$base
changetype: modify
replace: msDS-SupportedEncryptionTypes
msDS-SupportedEncryptionTypes: 4

dn: CN=WS1,CN=Computers,$base
changetype: modify
replace: msDS-SupportedEncryptionTypes
msDS-SupportedEncryptionTypes: 28

EOF
    spn websvc "HTTP/web.$DNS_DOMAIN" 24
    spn defsvc "HTTP/default.$DNS_DOMAIN"
    spn legacysvc "HTTP/legacy.$DNS_DOMAIN" 4
    spn delegsvc "HTTP/deleg.$DNS_DOMAIN" 24
    spn kcdsvc "HTTP/kcd.$DNS_DOMAIN" 24
  } >"$tpl/attrs.ldif"
  if ! out=$(ldbmodify -H "$tpl/private/sam.ldb" "$tpl/attrs.ldif" 2>&1); then
    die "ldbmodify of $tpl/attrs.ldif failed: $out"
  fi
  # Constrained delegation to HTTP/web only: delegsvc with protocol
  # transition (TRUSTED_TO_AUTH_FOR_DELEGATION: its S4U2Self tickets are
  # forwardable evidence), kcdsvc without (Kerberos-only delegation).
  tool delegation add-service delegsvc "HTTP/web.$DNS_DOMAIN" "${H[@]}"
  tool delegation for-any-protocol delegsvc on "${H[@]}"
  tool delegation add-service kcdsvc "HTTP/web.$DNS_DOMAIN" "${H[@]}"
  # bob's password again, now that the UPN differs: the salt comes from it.
  tool user setpassword bob "${H[@]}" --newpassword="$BOB_PASSWORD"
  # rc4only: only the NT hash (pdbedit drops the AES keys).
  local nt
  nt=$("$PY" -c 'import sys, samba.crypto
print(samba.crypto.md4_hash_blob(sys.argv[1].encode("utf-16-le")).hex().upper())' "$RC4_PASSWORD")
  if ! out=$(pdbedit -s "$tpl/etc/smb.conf" -u rc4only --set-nt-hash="$nt" 2>&1); then
    die "pdbedit --set-nt-hash rc4only failed: $out"
  fi

  # Keytabs (exportkeytab appends, so each file is written once).
  tool domain exportkeytab "$tpl/alice.keytab" --principal=alice
  tool domain exportkeytab "$tpl/rc4only.keytab" --principal=rc4only
  tool domain exportkeytab "$tpl/websvc.keytab" --principal="HTTP/web.$DNS_DOMAIN"
  tool domain exportkeytab "$tpl/websvc.keytab" --principal=websvc
  tool domain exportkeytab "$tpl/defsvc.keytab" --principal="HTTP/default.$DNS_DOMAIN"
  tool domain exportkeytab "$tpl/legacysvc.keytab" --principal="HTTP/legacy.$DNS_DOMAIN"
  tool domain exportkeytab "$tpl/delegsvc.keytab" --principal="HTTP/deleg.$DNS_DOMAIN"
  tool domain exportkeytab "$tpl/delegsvc.keytab" --principal=delegsvc
  tool domain exportkeytab "$tpl/kcdsvc.keytab" --principal="HTTP/kcd.$DNS_DOMAIN"
  tool domain exportkeytab "$tpl/kcdsvc.keytab" --principal=kcdsvc
  tool domain exportkeytab "$tpl/ws1.keytab" --principal='WS1$'
  tool domain exportkeytab "$tpl/ws1.keytab" --principal="host/ws1.$DNS_DOMAIN"
  # LDAP's TLS key, made now rather than by samba on every first start.
  mkdir -p "$tpl/private/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=${DC_NAME}.$DNS_DOMAIN" \
    -keyout "$tpl/private/tls/key.pem" -out "$tpl/private/tls/cert.pem" >/dev/null 2>&1 ||
    die "openssl could not make the TLS key in $tpl/private/tls"
  chmod 600 "$tpl/private/tls/key.pem"
  cp "$tpl/private/tls/cert.pem" "$tpl/private/tls/ca.pem"
  # What Samba says about alice, for the PAC tests.
  "$PY" /usr/bin/samba-tool user show alice "${H[@]}" -s "$tpl/etc/smb.conf" \
    --attributes=objectSid,primaryGroupID,memberOf >"$tpl/alice.show" 2>/dev/null
}
# ---- end template ----

# smb.conf's [global] additions for a copy in DIR bound to ADDR: loopback
# only, one worker per service, none of the services that would talk to the
# host's resolver or NetBIOS.
SMB_EXTRA=(
  "interfaces = @ADDR@/8"
  "bind interfaces only = yes"
  "prefork children = 1"
  "server services = s3fs, rpc, ldap, cldap, kdc, drepl, winbindd, kcc"
  "log file = @DIR@/log/samba.log"
  "max log size = 10000"
  "log level = 1"
  "pid directory = @DIR@/run"
)

# configure_copy: smb.conf of the copy in $dir names $dir and binds to $addr.
configure_copy() {
  local conf=$dir/etc/smb.conf line
  sed -i -e "s#$tpl#$dir#g" -e '/dns forwarder/d' -e '/^\s*interfaces\s*=/d' \
    -e '/bind interfaces only/d' -e '/server services/d' "$conf"
  for line in "${SMB_EXTRA[@]}"; do
    sed -i "/^\[global\]/a\\	$line" "$conf"
  done
  sed -i -e "s#@DIR@#$dir#g" -e "s#@ADDR@#$addr#g" "$conf"
  mkdir -p "$dir/log" "$dir/run"
  rm -f "$dir/run/"*.pid
}

# Builds the template once (under the lock held by the caller).
ensure_template() {
  local root key
  root=$(cache_root)
  key=$(template_key)
  tpl=$root/template-$key
  if [[ -f "$tpl/.complete" ]]; then return 0; fi
  mkdir -p "$root"
  rm -rf "$root"/template-*
  local t0=$SECONDS
  provision
  touch "$tpl/.complete"
  echo "ad.sh: provisioned the template $tpl in $((SECONDS - t0)) s" >&2
}

# pick_addr: a loopback address with nothing on port 88 (call under the lock).
pick_addr() {
  local n hex used
  used=$(cat /proc/net/tcp /proc/net/udp 2>/dev/null | awk '{ print $2 }')
  for ((n = 2; n < 40; n++)); do
    printf -v hex '%02X00007F:0058' "$n"
    [[ "$used" == *"$hex"* ]] || {
      echo "127.0.0.$n"
      return 0
    }
  done
  die "no free loopback address 127.0.0.2-39 with port 88 unused"
}

# listening ADDR PORT tcp|udp
listening() {
  local hex
  printf -v hex '%02X%02X%02X%02X:%04X' $(echo "$1" | awk -F. '{ print $4, $3, $2, $1 }') "$2"
  awk -v a="$hex" -v st="$3" '$2 == a && (st == "udp" ? $4 == "07" : $4 == "0A") { f = 1 } END { exit !f }' \
    "/proc/net/$3"
}

write_krb5_conf() {
  cat >"$dir/krb5.conf" <<EOF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    allow_rc4 = true
    default_ccache_name = FILE:$dir/krb5cc_default
    default_keytab_name = FILE:$dir/default.keytab

[realms]
    $REALM = {
        kdc = $addr
        admin_server = $addr
        kpasswd_server = $addr
    }
    ${REALM,,} = {
        kdc = $addr
        kpasswd_server = $addr
    }

[domain_realm]
    .$DNS_DOMAIN = $REALM
    $DNS_DOMAIN = $REALM
EOF
}

write_env() {
  local sid
  sid=$(awk '/^objectSid:/ { print $2 }' "$dir/alice.show")
  {
    echo "# Source this file: . $dir/env"
    put REALM_KIND samba-ad
    put REALM "$REALM"
    put REALM_DIR "$dir"
    put DNS_DOMAIN "$DNS_DOMAIN"
    put NETBIOS_DOMAIN "$NETBIOS_DOMAIN"
    put KRB5_CONFIG "$dir/krb5.conf"
    put KRB5CCNAME "FILE:$dir/krb5cc_default"
    put KDC_HOST "$addr"
    put KDC_PORT 88
    put KPASSWD_PORT 464
    put SAMBA_PID "$(cat "$dir/samba.pid")"
    put SAMBA_LOG "$dir/log/samba.log"
    put SMB_CONF "$dir/etc/smb.conf"
    put DC_HOST "${DC_NAME,,}.$DNS_DOMAIN"
    put ADMIN_PRINCIPAL "Administrator@$REALM"
    put ADMIN_PASSWORD "$ADMIN_PASSWORD"
    put ALICE_PRINCIPAL "alice@$REALM"
    put ALICE_PASSWORD "$ALICE_PASSWORD"
    put ALICE_KEYTAB "$dir/alice.keytab"
    put ALICE_SID "$sid"
    put BOB_PRINCIPAL "bob@$REALM"
    put BOB_UPN "$BOB_UPN"
    put BOB_PASSWORD "$BOB_PASSWORD"
    put BOB_SALT "${REALM}bob.smith"
    put CAROL_PRINCIPAL "carol@$REALM"
    put CAROL_PASSWORD "$CAROL_PASSWORD"
    put DAVE_PRINCIPAL "dave@$REALM"
    put DAVE_PASSWORD "$DAVE_PASSWORD"
    put RC4_PRINCIPAL "rc4only@$REALM"
    put RC4_PASSWORD "$RC4_PASSWORD"
    put RC4_KEYTAB "$dir/rc4only.keytab"
    put EXP_PRINCIPAL "expuser@$REALM"
    put EXP_PASSWORD "$EXP_PASSWORD"
    put DIS_PRINCIPAL "disuser@$REALM"
    put DIS_PASSWORD "$DIS_PASSWORD"
    put SVC_AES "HTTP/web.$DNS_DOMAIN@$REALM"
    put SVC_AES_KEYTAB "$dir/websvc.keytab"
    put SVC_DEFAULT "HTTP/default.$DNS_DOMAIN@$REALM"
    put SVC_DEFAULT_KEYTAB "$dir/defsvc.keytab"
    put SVC_RC4 "HTTP/legacy.$DNS_DOMAIN@$REALM"
    put SVC_RC4_KEYTAB "$dir/legacysvc.keytab"
    put SVC_DELEG "HTTP/deleg.$DNS_DOMAIN@$REALM"
    put SVC_DELEG_ACCOUNT "delegsvc@$REALM"
    put SVC_DELEG_KEYTAB "$dir/delegsvc.keytab"
    put SVC_KCD "HTTP/kcd.$DNS_DOMAIN@$REALM"
    put SVC_KCD_ACCOUNT "kcdsvc@$REALM"
    put SVC_KCD_KEYTAB "$dir/kcdsvc.keytab"
    put SVC_PASSWORD "$SVC_PASSWORD"
    put MACHINE_PRINCIPAL "WS1\$@$REALM"
    put MACHINE_HOST_PRINCIPAL "host/ws1.$DNS_DOMAIN@$REALM"
    put MACHINE_PASSWORD "$MACHINE_PASSWORD"
    put MACHINE_KEYTAB "$dir/ws1.keytab"
  } >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
}

# wait_up: KDC (88 tcp+udp), kpasswd (464), LDAP (389), then a real kinit.
wait_up() {
  local i out pid
  pid=$(cat "$dir/samba.pid")
  for ((i = 0; i < 1200; i++)); do
    pid_alive "$pid" || die "samba exited during start-up in $dir: $(tail -3 "$dir/log/samba.log" "$dir/samba.out" 2>/dev/null | tr '\n' ' ')"
    if listening "$addr" 88 tcp && listening "$addr" 88 udp && listening "$addr" 464 udp &&
      listening "$addr" 389 tcp; then
      break
    fi
    sleep 0.05
  done
  ((i < 1200)) || die "samba in $dir did not open 88/464/389 on $addr within 60 s"
  local good=0
  for ((i = 0; i < 300; i++)); do
    if out=$(echo "$ALICE_PASSWORD" | KRB5_CONFIG=$dir/krb5.conf KRB5_TRACE=/dev/null \
      /usr/bin/kinit -c "MEMORY:probe" "alice@$REALM" 2>&1 >/dev/null); then
      ((++good < 2)) || return 0
    else
      good=0
      sleep 0.1
    fi
  done
  die "the AD KDC on $addr does not issue tickets (last kinit: $out)"
}

# group_alive PGID: a process (not a zombie) of that process group exists.
group_alive() {
  local f st
  for f in /proc/[0-9]*/stat; do
    st=$(cat "$f" 2>/dev/null) || continue
    st=${st##*) }
    read -r -a st <<<"$st"
    [[ ${st[2]} == "$1" && ${st[0]} != Z && ${st[0]} != X ]] && return 0
  done
  return 1
}

# stop: samba's children outlive the master by a second or two and keep the
# address's ports; wait for the whole process group, or the next DC on this
# address would share port 88 with a dying one.
cmd_stop() {
  local dir=$1 pid i
  set +e
  stop_pidfile "$dir/watchdog.pid"
  pid=$(cat "$dir/samba.pid" 2>/dev/null)
  if [[ "$pid" =~ ^[0-9]+$ ]]; then
    kill -TERM -- "-$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      group_alive "$pid" || break
      sleep 0.1
    done
    if group_alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null
      for ((i = 0; i < 50; i++)); do
        group_alive "$pid" || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$dir/samba.pid" "$dir/env"
  return 0
}

cmd_template() {
  need samba samba-tool ldbmodify pdbedit kinit
  exec 8>"$AD_LOCK"
  flock 8
  ensure_template
  echo "$tpl"
}

cmd_start() {
  dir=$1
  shift
  local owner="" want_addr=""
  while (($#)); do
    case $1 in
      --owner) owner=${2:?--owner needs a value}; shift 2 ;;
      --addr) want_addr=${2:?--addr needs a value}; shift 2 ;;
      *) usage ;;
    esac
  done
  need samba samba-tool ldbmodify pdbedit kinit
  [[ $(id -u) -eq 0 ]] || die "a Samba DC needs root (port 88, NTACL xattrs)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ ! -e "$dir/env" ]] || die "$dir already holds a DC (stop it first)"
  unset KRB5CCNAME KRB5_KTNAME KRB5_TRACE

  exec 8>"$AD_LOCK"
  flock 8
  ensure_template
  addr=${want_addr:-$(pick_addr)}
  cp -a "$tpl/." "$dir/"
  rm -f "$dir/.complete"
  configure_copy
  write_krb5_conf
  setsid /usr/sbin/samba -F --no-process-group -s "$dir/etc/smb.conf" --maximum-runtime=7200 \
    </dev/null >>"$dir/samba.out" 2>&1 8>&- &
  echo $! >"$dir/samba.pid"
  wait_up
  exec 8>&-
  write_env
  if [[ -n "$owner" ]]; then
    # common.sh's start_watchdog sources common.sh beside the script it is
    # given, so the same loop is spelled out here with the right path.
    setsid bash -c '
      . "$1" || exit 1
      while pid_alive "$2"; do sleep 0.5; done
      rm -f "$4/watchdog.pid"
      exec "$3" stop "$4"' watchdog "$here/../realm/common.sh" "$owner" "$self" "$dir" \
      </dev/null >/dev/null 2>&1 8>&- &
    echo $! >"$dir/watchdog.pid"
  fi
}

case ${1:-} in
  start) (($# >= 2)) || usage; shift; cmd_start "$@" ;;
  stop) (($# == 2)) || usage; cmd_stop "$2" ;;
  template) cmd_template ;;
  *) usage ;;
esac
