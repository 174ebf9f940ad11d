# shellcheck shell=bash
# Sourced by tests/ad/*_test.sh (not a test itself): starts a DC of its own
# for the test in a temporary folder, stopped and removed when the test
# exits, and sources its env file (README.md). Sets src, bin (krbkit's
# commands: $KRBKIT_BIN_DIR, else build/apps), ad_sh and dir; defines fail.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck disable=SC2034 # used by the tests that source this
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
ad_sh=$src/tests/ad/ad.sh

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-ad-XXXXXX")
# shellcheck disable=SC2064 # expand now: the paths are fixed
trap "\"$ad_sh\" stop \"$dir\"; rm -rf \"$dir\"" EXIT
"$ad_sh" start "$dir" --owner $$
# shellcheck source=/dev/null
. "$dir/env"
