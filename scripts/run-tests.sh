#!/usr/bin/env bash
# The whole suite twice, as `make test` runs it: on SQLite, then on a throwaway PostgreSQL server
# that the pytest plugin dudao.core.testing.pgplugin starts (DUDAO_TEST_DB=postgres).
#
# Both runs always happen; the exit status is non-zero if either failed, and the last line printed
# is a pytest summary line: the PostgreSQL run's, or the SQLite run's when only that one failed.
# Environment: TEST_WORKERS (pytest-xdist workers, default 2; 0 = no xdist). Arguments go to pytest.
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
ENVIRONMENT=(DUDAO_TEST_DB=sqlite)
run sqlite "$@"; sqlite_status=$?
ENVIRONMENT=(DUDAO_TEST_DB=postgres)
run postgres "$@"; postgres_status=$?

echo
cat "$logdir/times"
echo "==> make test: $((SECONDS - started))s for both runs"
if [[ $sqlite_status -ne 0 && $postgres_status -eq 0 ]]; then
    echo "==> the SQLite run failed:"
    summary sqlite
elif [[ $postgres_status -ne 0 ]]; then
    [[ $sqlite_status -ne 0 ]] && echo "==> SQLite: $(summary sqlite)"
    echo "==> the PostgreSQL run failed:"
    summary postgres
else
    summary postgres
fi
[[ $sqlite_status -eq 0 && $postgres_status -eq 0 ]]
