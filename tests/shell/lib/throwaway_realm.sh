# Sourced by the shell tests that need a throwaway MIT realm of their own:
#   . "$src/tests/shell/lib/throwaway_realm.sh"; start_throwaway_realm NAME
# starts it in a fresh directory $dir (stopped and removed on exit), loads
# its environment (REALM, SERVER_HOST, KRB5_CONFIG ...) with no KRB5CCNAME
# set, and gives fail MESSAGE, which counts failures in $failures.
start_throwaway_realm() {
  dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-$1-XXXXXX")
  trap '"$realm_sh" stop "$dir"; rm -rf "$dir"' EXIT
  "$realm_sh" start "$dir" --owner $$
  # shellcheck source=/dev/null
  . "$dir/env"
  unset KRB5CCNAME
}

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
