#!/usr/bin/env bash
# The whole suite twice, as `make test` runs it: on SQLite, then on a throwaway PostgreSQL server
# that the pytest plugin dudao.core.testing.pgplugin starts (DUDAO_TEST_DB=postgres).
#
# Then the date-sensitive part of the suite (marker ``clock``, see dudao/core/testing/clock.py) runs
# again on moved clocks: the next 31 December, 29 February, 1 January, a day of the summer holiday and
# today three years ahead on SQLite, the first two of them on PostgreSQL too (TEST_CLOCKS overrides
# the list, TEST_PG_CLOCKS the PostgreSQL days; TEST_CLOCKS=none skips).
#
# Every run always happens; the exit status is non-zero if any failed, and the last line printed
# is a pytest summary line: the last failed run's, or the PostgreSQL run's when all passed.
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
if [[ "$clocks" != none ]]; then
    for day in $clocks; do
        for db in sqlite postgres; do
            if [[ $db == postgres ]] && ! grep -qx -- "$day" <<<"${pg_clocks// /$'\n'}"; then
                continue  # date arithmetic is the same on both databases: PostgreSQL on the first days only
            fi
            ENVIRONMENT=(DUDAO_TEST_DB=$db DUDAO_TEST_TODAY=$day)
            run "$db-on-$day" -m "clock and not browser" "$@"
            status=$?  # 5: the arguments chose no date-sensitive test
            [[ $status -eq 0 || $status -eq 5 ]] || failed+=("$db-on-$day")
        done
    done
fi

echo
cat "$logdir/times"
echo "==> make test: $((SECONDS - started))s for all runs"
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
