#!/usr/bin/env bash
# The whole suite twice, as `make test` runs it: on SQLite, then on a throwaway PostgreSQL server
# that the pytest plugin dudao.core.testing.pgplugin starts (DUDAO_TEST_DB=postgres).
#
# Then the date-sensitive part of the suite (marker ``clock``, see dudao/core/testing/clock.py) runs
# again on moved clocks: on SQLite the next 31 December always, then 29 February, 1 January, a day of
# the summer holiday and today three years ahead, then the first two of those days on PostgreSQL
# (TEST_CLOCKS overrides the list, TEST_PG_CLOCKS the PostgreSQL days; TEST_CLOCKS=none skips).
# Every moved clock after the first starts only while the whole stays within TEST_BUDGET seconds
# (default 3600: the CI allows 90 minutes, installation included), judged by the last run of the same
# database; a run left out for time is named in the output and in the summary, never passed silently.
#
# The exit status is non-zero if any run failed, and the last line printed is a pytest summary line:
# the last failed run's, or the PostgreSQL run's when all passed.
# Environment: TEST_WORKERS (pytest-xdist workers, default 2; 0 = no xdist). Arguments go to pytest
# (on the moved clocks too, with ``-m "clock and not browser"`` added).
set -uo pipefail
cd "$(dirname "$0")/.."

workers=${TEST_WORKERS:-2}
xdist=()
if [[ "$workers" != 0 ]]; then
    xdist=(-n "$workers")
fi
logdir=$(mktemp -d /tmp/dudao-test-logs.XXXXXX)
trap 'rm -rf "$logdir"' EXIT

run() {  # run NAME [ENV=VALUE...]: one pytest run; its output goes to the terminal and to a log
    local name=$1; shift
    echo "==> $name: pytest ${xdist[*]} $*"
    local started=$SECONDS
    env -u DATABASE_URL "${ENVIRONMENT[@]}" .venv/bin/python -m pytest -p no:cacheprovider --tb=short "${xdist[@]}" "$@" 2>&1 | tee "$logdir/$name.log"
    local status=${PIPESTATUS[0]}
    echo "==> $name: exit status $status, $((SECONDS - started))s wall time" >>"$logdir/times"
    return "$status"
}

summary() {  # the last non-empty line of a run's output
    grep -v '^[[:space:]]*$' "$logdir/$1.log" | tail -n 1
}

started=$SECONDS
failed=()
ENVIRONMENT=(DUDAO_TEST_DB=sqlite)
run sqlite "$@" || failed+=(sqlite)
ENVIRONMENT=(DUDAO_TEST_DB=postgres)
run postgres "$@" || failed+=(postgres)

clocks=${TEST_CLOCKS:-$(.venv/bin/python -m dudao.core.testing.clock)}
pg_clocks=${TEST_PG_CLOCKS:-$(head -n 2 <<<"${clocks// /$'\n'}")}
budget=${TEST_BUDGET:-3600}
declare -A last=([sqlite]=0 [postgres]=0)  # how long the last clock run on each database took
left_out=()
clock_run() {  # clock_run DB DAY: the date-sensitive tests on DAY, the first one always, the others in the budget
    local db=$1 day=$2 began=$SECONDS
    shift 2  # the rest goes to pytest
    local expected=${last[$db]}
    if [[ $db == postgres && $expected == 0 ]]; then
        expected=$(( last[sqlite] * 3 / 2 ))  # no PostgreSQL clock run yet: half as long again as SQLite's
    fi
    if (( first_done && (${#left_out[@]} > 0 || began - started + expected > budget) )); then
        echo "==> $db-on-$day: left out, the runs so far took $((began - started))s of the ${budget}s budget"
        left_out+=("$db-on-$day")
        return
    fi
    ENVIRONMENT=(DUDAO_TEST_DB=$db DUDAO_TEST_TODAY=$day)
    run "$db-on-$day" -m "clock and not browser" "$@"
    local status=$?  # 5: no test ran, right only when arguments chose no date-sensitive test
    [[ $status -eq 0 || ($status -eq 5 && $# -gt 0) ]] || failed+=("$db-on-$day")
    last[$db]=$((SECONDS - began))
    first_done=1
}
first_done=0
if [[ "$clocks" != none ]]; then
    for day in $clocks; do
        clock_run sqlite "$day" "$@"
    done
    for day in $pg_clocks; do
        clock_run postgres "$day" "$@"
    done
fi

echo
cat "$logdir/times"
echo "==> make test: $((SECONDS - started))s for all runs"
if [[ ${#left_out[@]} -gt 0 ]]; then
    echo "==> left out for the ${budget}s budget (TEST_BUDGET): ${left_out[*]}"
fi
if [[ ${#failed[@]} -eq 0 ]]; then
    summary postgres
    exit 0
fi
for name in "${failed[@]}"; do
    echo "==> the run $name failed: $(summary "$name")"
done
echo "==> failed runs: ${failed[*]}"
summary "${failed[-1]}"
exit 1
