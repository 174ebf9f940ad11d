# Sourced by the shell tests that need Heimdal's tools and daemons
# (tests/realm/heimdal.sh unpacks them privately: its packages conflict with
# MIT's). Downloads them if needed; where they cannot be had the test exits
# 77 (skipped), unless KRBKIT_REQUIRE_HEIMDAL is set (CI), when it fails.
# Expects $src; sets $heimdal_sh.
heimdal_sh=$src/tests/realm/heimdal.sh
heimdal_fetch_rc=0
"$heimdal_sh" fetch || heimdal_fetch_rc=$?
if ((heimdal_fetch_rc == 3)); then
  if [[ -n ${KRBKIT_REQUIRE_HEIMDAL:-} ]]; then
    echo "FAIL: KRBKIT_REQUIRE_HEIMDAL is set, but Heimdal cannot be had" >&2
    exit 1
  fi
  echo "skipped: Heimdal's packages cannot be downloaded here"
  exit 77
fi
((heimdal_fetch_rc == 0)) || exit 1
