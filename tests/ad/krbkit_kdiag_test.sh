#!/usr/bin/env bash
# kdiag against the Samba AD DC: its KDC answers over UDP and TCP with its
# time, and publishes each account's salt and enctypes in ETYPE-INFO2 as AD
# stores them: bob's salt from his account name (bob.smith), not from the
# name typed; the RC4-only account's arcfour-hmac entry with no salt.
# shellcheck source-path=SCRIPTDIR source=test_lib.sh
. "$(dirname "$0")/test_lib.sh" || exit 1

# check PRINCIPAL PYTHON-CONDITION...: kdiag --json about PRINCIPAL satisfies each condition.
check() {
  local principal=$1 json
  shift
  json=$("$bin/kdiag" --json -p "$principal" "$REALM" 2>"$dir/kdiag.err") || true
  [[ -s $dir/kdiag.err ]] && fail "kdiag -p $principal wrote to stderr: $(cat "$dir/kdiag.err")"
  for condition in "$@"; do
    /usr/bin/python3 -c "import json, sys
d = json.loads(sys.argv[1]); p = d['principal']; info = p['etype_info']
sys.exit(0 if ($condition) else 1)" "$json" || fail "kdiag -p $principal: not ($condition) in $json"
  done
}

check "$BOB_PRINCIPAL" \
  "d['schema'] == 1 and len(d['kdcs']) == 2" \
  "all(k['reachable'] and abs(k['clock_offset_s']) < 5 for k in d['kdcs'])" \
  "p['preauth_required'] is True and 'encrypted-timestamp' in p['offers']" \
  "info[0]['enctype'] == 'aes256-cts-hmac-sha1-96' and info[0]['salt'] == '$BOB_SALT'"
check "$RC4_PRINCIPAL" \
  "[(e['enctype'], e['salt']) for e in info] == [('arcfour-hmac', None)]"
check "nosuchuser@$REALM" \
  "'principal nosuchuser@$REALM is unknown to the KDC' in d['problems']"
echo "kdiag against AD: ok"
