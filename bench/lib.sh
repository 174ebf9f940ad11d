# Sourced by the bench scripts: hyperfine comparisons of krbkit's tools and
# MIT's, printed as a table of ratios. Expects $work (a scratch directory),
# $rounds and $runs.

# selected NAME: whether KRBKIT_BENCH_ROWS (a regular expression whole row
# names must match; default: every row) takes row NAME.
selected() { [[ $1 =~ ^(${KRBKIT_BENCH_ROWS:-.*})$ ]]; }

# bench NAME KRBKIT_CMD MIT_CMD [PREPARE]: ROUNDS rounds of hyperfine,
# alternating which tool goes first; prints the median of all runs' wall
# time for each, the ratio krbkit/MIT, and the same for CPU time (user +
# system, the median of the rounds' means), which a busy machine disturbs
# less. Commands without shell syntax run without a shell (-N), so the
# shell's own start-up does not blur the comparison.
bench() {
  local name=$1 ours=$2 theirs=$3 prepare=${4:-}
  selected "$name" || return 0
  local -a prep=()
  [[ -n $prepare ]] && prep=(--prepare "$prepare")
  [[ $ours$theirs == *[\<\>=\|]* ]] || prep+=(-N)
  for ((r = 0; r < rounds; r++)); do
    local -a cmds=(-n krbkit "$ours" -n mit "$theirs")
    ((r % 2)) && cmds=(-n mit "$theirs" -n krbkit "$ours")
    hyperfine --style none --warmup 3 --runs "$runs" "${prep[@]}" --export-json "$work/$name.$r.json" \
      "${cmds[@]}" >/dev/null 2>>"$work/hyperfine.log"
  done
  bench_report "$name" "$work"/"$name".*.json
}

# bench_report NAME JSON...: the table row of hyperfine's JSON exports.
bench_report() {
  python3 - "$@" <<'PY'
import json, statistics, sys
name, files = sys.argv[1], sys.argv[2:]
times = {"krbkit": [], "mit": []}
cpu = {"krbkit": [], "mit": []}
for f in files:
    for res in json.load(open(f))["results"]:
        times[res["command"]] += res["times"]
        cpu[res["command"]].append(res["user"] + res["system"])
k, m = statistics.median(times["krbkit"]) * 1e3, statistics.median(times["mit"]) * 1e3
kc, mc = statistics.median(cpu["krbkit"]) * 1e3, statistics.median(cpu["mit"]) * 1e3
print(f"{name:<16} {k:9.3f} {m:9.3f} {k / m:7.2f}   {kc:8.3f} {mc:8.3f} {kc / mc:7.2f}")
PY
}

bench_header() {
  printf '%-16s %9s %9s %7s   %8s %8s %7s\n' "command" "krbkit ms" "MIT ms" "ratio" "cpu ms" "MIT cpu" "ratio"
}
