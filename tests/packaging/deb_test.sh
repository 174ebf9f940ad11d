#!/usr/bin/env bash
# The Debian packages (scripts/package) on this machine's own dpkg, built from
# the tested build. Beside MIT's krb5-user: installed, switched with
# update-alternatives both ways, used against a throwaway realm, built against
# with pkg-config and with CMake, then purged (MIT's files back, nothing left).
# Then beside Heimdal's heimdal-clients (which replaces krb5-user): the same
# alternatives groups, Heimdal's tool back in place after the purge. All of it
# in a private mount namespace whose /usr, /etc and /var are copy-on-write
# overlays, so the machine and the tests running beside this one never see a
# change. Exits 77 (skipped) where mount namespaces are not allowed.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh
commands=(kinit klist kdestroy kswitch kvno kpasswd kadmin ktutil)

if [[ ${1:-} != --inside ]]; then
  if ! unshare --mount --propagation private true 2>/dev/null; then
    echo "SKIP: no private mount namespace here (unshare --mount: not permitted)"
    exit 77
  fi
  # shellcheck source=tests/shell/lib/throwaway_realm.sh
  . "$src/tests/shell/lib/throwaway_realm.sh"
  start_throwaway_realm package
  export dir
  KRBKIT_BUILD_DIR=$(cd "$bin/.." && pwd) "$src/scripts/package" --no-build "$dir/debs" >/dev/null
  status=0
  unshare --mount --propagation private bash "$0" --inside || status=$?
  exit $status
fi

# --- inside the namespace ---------------------------------------------------
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
layer=$dir/overlay
for top in usr etc var; do
  mkdir -p "$layer/$top.upper" "$layer/$top.work"
  mount -t overlay overlay -o "lowerdir=/$top,upperdir=$layer/$top.upper,workdir=$layer/$top.work" "/$top"
done
# Names of everything under the system's directories, to compare at the end.
snapshot() { find /usr /etc /var/lib/dpkg/alternatives -xdev 2>/dev/null | sort; }
# run_logged NAME COMMAND...: quiet unless it fails.
run_logged() {
  local name=$1
  shift
  "$@" >"$dir/$name.log" 2>&1 || {
    cat "$dir/$name.log" >&2
    fail "$*"
  }
}
resolves_to() { [[ $(readlink -f "$1") == "$2" ]]; }
group_members() { update-alternatives --list "$1" 2>/dev/null | sort | tr '\n' ' '; }

# Installed: every command's group holds krbkit's tool and is set to it.
check_installed() {
  local cmd
  for cmd in "${commands[@]}"; do
    resolves_to /usr/bin/$cmd /usr/bin/krbkit-$cmd || fail "/usr/bin/$cmd is not krbkit's after install"
    resolves_to /usr/share/man/man1/$cmd.1.gz /usr/share/man/man1/krbkit-$cmd.1.gz || fail "man 1 $cmd is not krbkit's"
    "/usr/bin/$cmd" --version | grep -q "^$cmd (krbkit) " || fail "$cmd --version through the alternative"
  done
  # kcc and kdiag, krbkit's own commands, are plain files under their own names.
  for own in kcc kdiag; do
    [[ -f /usr/bin/$own && ! -L /usr/bin/$own ]] || fail "/usr/bin/$own is not a plain file"
    [[ -f /usr/share/man/man1/$own.1.gz && ! -e /usr/bin/krbkit-$own ]] || fail "$own's man page missing, or a krbkit-$own"
    $own --version | grep -q "^$own (krbkit) " || fail "$own --version"
  done
}

# switch_and_back OTHER: kinit's group set to OTHER (its man page along), then auto again.
switch_and_back() {
  update-alternatives --quiet --set kinit "/usr/bin/kinit.$1"
  resolves_to /usr/bin/kinit "/usr/bin/kinit.$1" || fail "update-alternatives --set kinit to $1's"
  resolves_to /usr/share/man/man1/kinit.1.gz "/usr/share/man/man1/kinit.$1.1.gz" || fail "man 1 kinit did not follow to $1's"
  if kinit --version 2>/dev/null | grep -q '(krbkit)'; then fail "/usr/bin/kinit is still krbkit's after switching to $1's"; fi
  update-alternatives --quiet --auto kinit
  resolves_to /usr/bin/kinit /usr/bin/krbkit-kinit || fail "update-alternatives --auto kinit: not krbkit's"
}

# The example, against the installed library: pkg-config, then CMake.
check_example() {
  local example=$src/examples/cache_summary want="$1: $ALICE_PRINCIPAL"
  # shellcheck disable=SC2046 # pkg-config's words are separate arguments
  c++ -std=c++20 -o "$dir/ex-pc" "$example/main.cpp" $(pkg-config --cflags --libs krbkit) ||
    fail "building the example with pkg-config"
  [[ $("$dir/ex-pc" "$1" | head -1) == "$want" ]] || fail "the pkg-config build of the example"
  run_logged ex-cmake-configure cmake -S "$example" -B "$dir/ex-cmake"
  run_logged ex-cmake-build cmake --build "$dir/ex-cmake"
  [[ $("$dir/ex-cmake/cache_summary" "$1" | head -1) == "$want" ]] || fail "the CMake build of the example"
}

# --- beside MIT's krb5-user ---
snapshot >"$dir/before"
mit_kinit=$(sha256sum </usr/bin/kinit)
run_logged dpkg-install dpkg -i "$dir"/debs/*.deb
check_installed
for cmd in "${commands[@]}"; do
  [[ -f /usr/bin/$cmd.mit ]] || fail "MIT's $cmd was not diverted to /usr/bin/$cmd.mit"
done
[[ $(sha256sum </usr/bin/kinit.mit) == "$mit_kinit" ]] || fail "kinit.mit is not MIT's kinit"
[[ $(group_members kinit) == "/usr/bin/kinit.mit /usr/bin/krbkit-kinit " ]] || fail "kinit's group: $(group_members kinit)"
cc=FILE:$dir/cc
kinit -c "$cc" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" >/dev/null || fail "kinit (krbkit) through /usr/bin/kinit"
klist -c "$cc" | grep -q "^Default principal: $ALICE_PRINCIPAL" || fail "klist (krbkit) through /usr/bin/klist"
switch_and_back mit
check_example "$cc"
run_logged dpkg-purge dpkg --purge krbkit libkrbkit-dev libkrbkit0
for cmd in "${commands[@]}"; do
  [[ -f /usr/bin/$cmd && ! -L /usr/bin/$cmd ]] || fail "/usr/bin/$cmd is not MIT's plain file after purge"
  [[ $(dpkg -S /usr/bin/$cmd 2>/dev/null) == "krb5-user: /usr/bin/$cmd" ]] || fail "dpkg -S /usr/bin/$cmd after purge"
done
[[ $(sha256sum </usr/bin/kinit) == "$mit_kinit" ]] || fail "/usr/bin/kinit is not MIT's after purge"
[[ -z $(dpkg-divert --list | grep krbkit) ]] || fail "diversions left: $(dpkg-divert --list | grep krbkit)"
snapshot >"$dir/after"
diff "$dir/before" "$dir/after" >&2 || fail "files left behind or missing after purge (diff above)"

# --- beside Heimdal's heimdal-clients ---
if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends heimdal-clients \
  >"$dir/apt-heimdal.log" 2>&1; then
  run_logged dpkg-install-heimdal dpkg -i "$dir"/debs/krbkit_*.deb
  check_installed
  [[ $(group_members kinit) == "/usr/bin/kinit.heimdal /usr/bin/krbkit-kinit " ]] ||
    fail "kinit's group beside Heimdal: $(group_members kinit)"
  switch_and_back heimdal
  run_logged dpkg-purge-heimdal dpkg --purge krbkit
  resolves_to /usr/bin/kinit /usr/bin/kinit.heimdal || fail "/usr/bin/kinit is not Heimdal's after the purge"
  resolves_to /usr/share/man/man1/kinit.1.gz /usr/share/man/man1/kinit.heimdal.1.gz ||
    fail "man 1 kinit is not Heimdal's after the purge"
elif [[ -n ${KRBKIT_REQUIRE_HEIMDAL:-} ]]; then
  cat "$dir/apt-heimdal.log" >&2
  fail "apt-get install heimdal-clients"
else
  echo "beside Heimdal: skipped, heimdal-clients could not be installed (see apt-get's log)"
fi

((failures == 0)) || exit 1
echo "packages installed, switched both ways, built against and purged, beside MIT's tools and Heimdal's"
