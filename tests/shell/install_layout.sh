#!/usr/bin/env bash
# `cmake --install` of this build into a temporary prefix puts everything in
# the usual places: the nine tools in bin/ (they run from there), libkrbkit
# in lib/ (shared, or static with -DKRBKIT_SHARED_LIB=OFF), the headers in
# include/krbkit, man pages in share/man/man1 and the bash, zsh and fish
# completions in their directories, krbkit.pc and the CMake package in lib/;
# and a program built with pkg-config's flags against the installed headers
# and library works.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=$(cd "${KRBKIT_BIN_DIR:-$src/build/apps}/.." && pwd)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

prefix=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-install-XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1 || {
  cat "$prefix.log" >&2
  rm -f "$prefix.log"
  fail "cmake --install $build --prefix $prefix"
}
rm -f "$prefix.log"

for cmd in kinit klist kdestroy kswitch kvno kpasswd kadmin ktutil kcc kdiag; do
  [[ -x "$prefix/bin/$cmd" ]] || fail "bin/$cmd is missing"
  "$prefix/bin/$cmd" --version | grep -q "^$cmd (krbkit) " || fail "installed $cmd --version"
  [[ -f "$prefix/share/man/man1/$cmd.1" ]] || fail "share/man/man1/$cmd.1 is missing"
  [[ -f "$prefix/share/bash-completion/completions/$cmd" ]] || fail "bash completion for $cmd is missing"
  [[ -f "$prefix/share/zsh/site-functions/_$cmd" ]] || fail "zsh completion for $cmd is missing"
  [[ -f "$prefix/share/fish/vendor_completions.d/$cmd.fish" ]] || fail "fish completion for $cmd is missing"
done
[[ -f "$prefix/include/krbkit/version.hpp" ]] || fail "include/krbkit/version.hpp is missing"
[[ -f "$prefix/share/man/man7/krbkit-json.7" ]] || fail "share/man/man7/krbkit-json.7 is missing"
for schema in "$src"/man/json/*.schema.json; do
  [[ -f "$prefix/share/krbkit/json/${schema##*/}" ]] || fail "share/krbkit/json/${schema##*/} is missing"
done

# The library: lib/ (GNUInstallDirs may say lib64 elsewhere; Debian says lib).
libdir=$(find "$prefix" -maxdepth 2 -name 'libkrbkit.*' -printf '%h\n' | sort -u | head -1)
[[ "$libdir" == "$prefix/lib" ]] || fail "libkrbkit is not in lib/: ${libdir:-nowhere}"
cat >"$prefix/use.cpp" <<'EOF'
#include <krbkit/crypto/crypto.hpp>
#include <krbkit/proto/principal.hpp>
#include <krbkit/version.hpp>

#include <cstdio>

int main() {
  using namespace krbkit;
  auto p = parse_principal("alice@KRBKIT.TEST");
  // RFC 3962 appendix B: 1200 iterations (s2kparams 000004b0).
  const std::uint8_t iterations[] = {0x00, 0x00, 0x04, 0xb0};
  auto k = string_to_key(Enctype::aes128_cts_hmac_sha1_96, "password",
                         as_bytes(std::string_view("ATHENA.MIT.EDUraeburn")), iterations);
  if (!p.ok() || !k.ok()) return 1;
  std::printf("%s %s\n", unparse_principal(*p).c_str(), to_hex(k->bytes.view()).c_str());
  return 0;
}
EOF
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
[[ -f "$libdir/cmake/krbkit/krbkitConfig.cmake" ]] || fail "lib/cmake/krbkit/krbkitConfig.cmake is missing"
# krbkit.pc finds the prefix from where it lies: its flags are right here too.
pkg_config=(env PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config)
flags=$("${pkg_config[@]}" --cflags --libs krbkit) || fail "pkg-config --cflags --libs krbkit"
if [[ -f "$libdir/libkrbkit.so" ]]; then
  kind=shared
  flags+=" -Wl,-rpath,$libdir"
else
  kind=static
  [[ -f "$libdir/libkrbkit.a" ]] || fail "no libkrbkit.so or libkrbkit.a in $libdir"
fi
# shellcheck disable=SC2086 # pkg-config's words are separate arguments
"${cxx:-c++}" -std=c++20 "$prefix/use.cpp" $flags -o "$prefix/use" ||
  fail "a program cannot be built against the installed headers and library with pkg-config's flags"
out=$("$prefix/use") || fail "the program built against the installed library failed"
[[ "$out" == "alice@KRBKIT.TEST 4c01cd46d632d01e6dbe230a01ed642a" ]] || fail "unexpected output: $out"
echo "installed to $prefix: $(find "$prefix" -type f | wc -l) files; a program linked with the $kind libkrbkit"
