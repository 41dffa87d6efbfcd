# Timing helpers shared by the benchmark scripts (sourced): `measure CMD...`
# and `best CMD...` (the fastest of $runs runs) print "SECONDS PEAK_KB" for
# one command with its standard output to /dev/null, from /usr/bin/time -v.

# One timed run of "$@" with standard output to /dev/null: prints
# "SECONDS PEAK_KB".
measure() {
    local log
    log=$(mktemp)
    TZ=UTC /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
        /Maximum resident set size/ { kb = $2 }
        END { printf "%.2f %d\n", s, kb }' "$log"
    rm -f "$log"
}

# The fastest of $runs runs (and its peak memory).
best() {
    local out best_s="" best_kb=""
    for _ in $(seq "$runs"); do
        out=$(measure "$@")
        local s=${out% *} kb=${out#* }
        if [[ -z $best_s ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
            best_s=$s best_kb=$kb
        fi
    done
    echo "$best_s $best_kb"
}
