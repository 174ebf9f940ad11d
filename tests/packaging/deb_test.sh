#!/usr/bin/env bash
# The Debian packages (scripts/package) on this machine's own dpkg: built from
# the tested build, installed beside MIT's krb5-user, switched with
# update-alternatives both ways, used against a throwaway realm, built
# against with pkg-config and with CMake, then purged. All of it happens in a
# private mount namespace whose /usr, /etc and /var are copy-on-write
# overlays, so the machine and the tests running beside this one never see
# a change. Exits 77 (skipped) where mount namespaces are not allowed.
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
snapshot >"$dir/before"
mit_kinit=$(sha256sum /usr/bin/kinit)

dpkg -i "$dir"/debs/*.deb >"$dir/dpkg-install.log" 2>&1 || {
  cat "$dir/dpkg-install.log" >&2
  fail "dpkg -i of the packages"
}
for cmd in "${commands[@]}"; do
  [[ $(readlink -f /usr/bin/$cmd) == /usr/bin/krbkit-$cmd ]] || fail "/usr/bin/$cmd is not krbkit's after install"
  [[ -f /usr/bin/$cmd.mit ]] || fail "MIT's $cmd was not diverted to /usr/bin/$cmd.mit"
  [[ $(readlink -f /usr/share/man/man1/$cmd.1.gz) == /usr/share/man/man1/krbkit-$cmd.1.gz ]] ||
    fail "man 1 $cmd is not krbkit's"
  "/usr/bin/$cmd" --version | grep -q "^$cmd (krbkit) " || fail "$cmd --version through the alternative"
done
[[ $(sha256sum </usr/bin/kinit.mit) == "${mit_kinit%% *}  -" ]] || fail "kinit.mit is not MIT's kinit"

# Through the alternative: kinit and klist against the realm, with krbkit.
cc=FILE:$dir/cc
kinit -c "$cc" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" >/dev/null || fail "kinit (krbkit) through /usr/bin/kinit"
klist -c "$cc" | grep -q "^Default principal: $ALICE_PRINCIPAL" || fail "klist (krbkit) through /usr/bin/klist"

# Switch to MIT's and back.
update-alternatives --quiet --set kinit /usr/bin/kinit.mit
[[ $(readlink -f /usr/bin/kinit) == /usr/bin/kinit.mit ]] || fail "update-alternatives --set kinit MIT's"
[[ $(readlink -f /usr/share/man/man1/kinit.1.gz) == /usr/share/man/man1/kinit.mit.1.gz ]] ||
  fail "man 1 kinit did not follow to MIT's"
kinit -c "$cc" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" >/dev/null || fail "MIT's kinit through /usr/bin/kinit"
if kinit --version >/dev/null 2>&1; then fail "/usr/bin/kinit still answers --version (krbkit's) after switching to MIT's"; fi
update-alternatives --quiet --auto kinit
[[ $(readlink -f /usr/bin/kinit) == /usr/bin/krbkit-kinit ]] || fail "update-alternatives --auto kinit: not krbkit's"

# The example, against the installed library: pkg-config, then CMake.
example=$src/examples/cache_summary
want="$cc: $ALICE_PRINCIPAL"
# shellcheck disable=SC2046 # pkg-config's words are separate arguments
c++ -std=c++20 -o "$dir/ex-pc" "$example/main.cpp" $(pkg-config --cflags --libs krbkit) ||
  fail "building the example with pkg-config"
[[ $("$dir/ex-pc" "$cc" | head -1) == "$want" ]] || fail "the pkg-config build of the example"
if cmake -S "$example" -B "$dir/ex-cmake" >"$dir/ex-cmake.log" 2>&1 &&
  cmake --build "$dir/ex-cmake" >>"$dir/ex-cmake.log" 2>&1; then
  [[ $("$dir/ex-cmake/cache_summary" "$cc" | head -1) == "$want" ]] || fail "the CMake build of the example"
else
  cat "$dir/ex-cmake.log" >&2
  fail "building the example with find_package(krbkit)"
fi

# Purge: MIT's tools back as plain files, nothing of krbkit left.
dpkg --purge krbkit libkrbkit-dev libkrbkit0 >"$dir/dpkg-purge.log" 2>&1 || {
  cat "$dir/dpkg-purge.log" >&2
  fail "dpkg --purge"
}
for cmd in "${commands[@]}"; do
  [[ -f /usr/bin/$cmd && ! -L /usr/bin/$cmd ]] || fail "/usr/bin/$cmd is not MIT's plain file after purge"
  [[ $(dpkg -S /usr/bin/$cmd 2>/dev/null) == "krb5-user: /usr/bin/$cmd" ]] || fail "dpkg -S /usr/bin/$cmd after purge"
done
[[ $(sha256sum </usr/bin/kinit) == "${mit_kinit%% *}  -" ]] || fail "/usr/bin/kinit is not MIT's after purge"
[[ -z $(dpkg-divert --list | grep krbkit) ]] || fail "diversions left: $(dpkg-divert --list | grep krbkit)"
snapshot >"$dir/after"
diff "$dir/before" "$dir/after" >&2 || fail "files left behind or missing after purge (diff above)"

((failures == 0)) || exit 1
echo "packages installed, switched both ways, built against and purged; MIT's tools back"
