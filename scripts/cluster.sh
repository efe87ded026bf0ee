#!/usr/bin/env bash
# A province on one machine, with real parts: scripts/cluster.sh up|down|status
#
#   PostgreSQL primary and a streaming replica of it (pg_basebackup -R), `dudao migrate`,
#   two gunicorn app servers on two loopback ports, one `dudao worker`, and nginx in front of them
#   (TLS with a certificate made for the occasion, an upstream of the two app servers, retrying the
#   other one when one is down). One shared media folder; production settings (DUDAO_DEBUG=0, a secret
#   key, an audit key and a public link key made at `up`, DUDAO_TRUSTED_PROXY_COUNT=1).
#
# Everything lives in CLUSTER_DIR (default /tmp/dudao-cluster): data, logs, pid files, the settings
# (cluster.env) and the generated nginx.conf; nothing outside it is touched. `down` stops every part
# and removes the folder. `status` says which parts run and exits 3 if one does not.
#
# Environment: CLUSTER_DIR; CLUSTER_STATIC_CACHE (collected static files kept between runs, default
# /tmp/dudao-cluster-static); CLUSTER_PORT (nginx's HTTPS port, default: a free one); CLUSTER_WORKERS
# (gunicorn workers per app server, default 1); CLUSTER_REPLICA=0 (no replica); CLUSTER_DURABLE=1
# (PostgreSQL's durable defaults instead of fsync and synchronous commit off); CLUSTER_DATABASE_URL (an
# existing database to serve, such as bench/generate.py's province: no PostgreSQL is started, no
# replica, and `down` leaves it running); VENV (default .venv).
# Needs the Debian packages postgresql and nginx-light (`make system`). As root, PostgreSQL runs as the
# postgres user. After `up`, $CLUSTER_DIR/url holds the address, e.g. https://127.0.0.1:PORT/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${CLUSTER_DIR:-/tmp/dudao-cluster}
VENV=${VENV:-$ROOT/.venv}
WORKERS=${CLUSTER_WORKERS:-1}
APPS=(app1 app2)
# a throwaway cluster need not survive a power cut: without these, `migrate` waits on the disk for
# every table it makes (a real primary keeps PostgreSQL's defaults, and so does CLUSTER_DURABLE=1,
# for measuring what a crash of PostgreSQL loses)
PG_DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[[ ${CLUSTER_DURABLE:-0} == 1 ]] && PG_DURABILITY=""

say() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_bindir() {  # the highest PostgreSQL version installed, found as the test harness finds it
    "$VENV/bin/python" -c 'from dudao.core.testing.pgplugin import find_bindir; print(find_bindir())' 2>/dev/null \
        || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: run \`make system\` (as root)"
}

as_pg() {  # initdb and postgres refuse to run as root
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- env LC_ALL=C.UTF-8 LANG=C.UTF-8 "$@"
    else
        env LC_ALL=C.UTF-8 LANG=C.UTF-8 "$@"
    fi
}

alive() {  # alive PIDFILE: the process in it runs (a killed one nobody has reaped yet does not)
    [[ -s "$1" ]] || return 1
    local state
    state=$(ps -o stat= -p "$(head -n 1 "$1")") && [[ $state != Z* ]]
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: until the command succeeds
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what did not come up within ${seconds}s (logs in $DIR/log)"
        sleep 0.2
    done
}

start_postgres() {  # start_postgres NAME PORT
    local name=$1 port=$2
    as_pg "$BIN/pg_ctl" -D "$DIR/pg/$name" -l "$DIR/log/$name.log" -w -t 60 \
        -o "-p $port -k $DIR/pg -c listen_addresses=127.0.0.1 $PG_DURABILITY" start >/dev/null
}

up() {
    command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || die "nginx is not installed: run \`make system\` (as root)"
    [[ -x "$VENV/bin/gunicorn" ]] || die "no gunicorn in $VENV: run \`make setup\`"
    if [[ -e "$DIR/cluster.env" ]]; then
        die "$DIR already holds a cluster: \`$0 status\`, or \`$0 down\` first"
    fi
    BIN=$(pg_bindir)
    mkdir -p "$DIR"/{log,run,media,static,var,pg,nginx}
    chmod 755 "$DIR"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres "$DIR/pg" "$DIR/log"
        runuser -u postgres -- test -w "$DIR/pg" || die "the postgres user cannot reach $DIR: choose a CLUSTER_DIR whose parent folders it may enter"
    fi

    local pg_port replica_port http_port app_ports=()
    pg_port=$(free_port); replica_port=$(free_port)
    http_port=${CLUSTER_PORT:-$(free_port)}
    app_ports=("$(free_port)" "$(free_port)")

    local database_url=${CLUSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:$pg_port/dudao}
    if [[ -n ${CLUSTER_DATABASE_URL:-} ]]; then
        say "PostgreSQL: the database of CLUSTER_DATABASE_URL, as it is"
    else
        say "PostgreSQL primary on 127.0.0.1:$pg_port"
        as_pg "$BIN/initdb" -D "$DIR/pg/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
        start_postgres primary "$pg_port"
        as_pg "$BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres dudao
    fi

    local replica_url=""
    if [[ ${CLUSTER_REPLICA:-1} != 0 && -z ${CLUSTER_DATABASE_URL:-} ]]; then
        say "PostgreSQL streaming replica on 127.0.0.1:$replica_port"
        as_pg "$BIN/pg_basebackup" -D "$DIR/pg/replica" -R -X stream --no-sync -c fast -h 127.0.0.1 -p "$pg_port" -U postgres
        start_postgres replica "$replica_port"
        replica_url=postgres://postgres@127.0.0.1:$replica_port/dudao
    fi

    secret() { "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))'; }
    umask 077
    cat >"$DIR/cluster.env" <<ENV
DATABASE_URL=$database_url
DUDAO_REPLICA_URL=$replica_url
DUDAO_DEBUG=0
DUDAO_SECRET_KEY=$(secret)
DUDAO_AUDIT_KEY=$(secret)
DUDAO_PUBLIC_LINK_KEY=$(secret)
DUDAO_ALLOWED_HOSTS=127.0.0.1,localhost
DUDAO_TRUSTED_PROXY_COUNT=1
DUDAO_VAR_DIR=$DIR/var
DUDAO_MEDIA_ROOT=$DIR/media
DUDAO_STATIC_ROOT=$DIR/static
DUDAO_HEALTH_MIN_FREE_MB=100
ENV
    umask 022
    echo "https://127.0.0.1:$http_port/" >"$DIR/url"
    set -a; . "$DIR/cluster.env"; set +a

    say "migrate"
    "$VENV/bin/dudao" migrate --noinput -v0 >"$DIR/log/migrate.log" 2>&1 || { tail -n 30 "$DIR/log/migrate.log" >&2; die "migrate failed"; }
    collect_static

    local i
    for i in 0 1; do
        local app=${APPS[$i]} port=${app_ports[$i]}
        say "$app: gunicorn on 127.0.0.1:$port ($WORKERS worker(s))"
        echo "$port" >"$DIR/run/$app.port"
        PROMETHEUS_MULTIPROC_DIR=$DIR/run/$app-metrics "$VENV/bin/gunicorn" dudao.wsgi:application \
            -c python:dudao.ops.gunicorn --bind "127.0.0.1:$port" --workers "$WORKERS" --timeout 120 \
            --pid "$DIR/run/$app.pid" --daemon --chdir "$ROOT" \
            --error-logfile "$DIR/log/$app.log" --access-logfile "$DIR/log/$app.access.log"
    done

    say "worker"
    setsid "$VENV/bin/dudao" worker >"$DIR/log/worker.log" 2>&1 </dev/null &
    echo $! >"$DIR/run/worker.pid"

    say "nginx on https://127.0.0.1:$http_port/"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$DIR/nginx/tls.key" -out "$DIR/nginx/tls.crt" >/dev/null 2>&1
    write_nginx_conf "$http_port" "${app_ports[@]}"
    nginx -e "$DIR/log/nginx.error.log" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf"

    for app in "${APPS[@]}"; do
        wait_for 60 "$app" curl -fsS "http://127.0.0.1:$(cat "$DIR/run/$app.port")/health/"
    done
    wait_for 30 "nginx" curl -fsSk "https://127.0.0.1:$http_port/health/"
    say "up: $(cat "$DIR/url") (settings in $DIR/cluster.env)"
}

collect_static() {
    # collectstatic (hashing and compressing some 1300 files) takes a minute or more on a busy machine, so
    # its result is kept in CLUSTER_STATIC_CACHE under a fingerprint of the source files (names, sizes,
    # times) and reused by the next `up` while they have not changed
    local cache=${CLUSTER_STATIC_CACHE:-/tmp/dudao-cluster-static} print
    print=$("$VENV/bin/dudao" shell -c '
import os
from django.contrib.staticfiles.finders import get_finders
for finder in get_finders():
    for path, storage in finder.list([]):
        info = os.stat(storage.path(path))
        print(path, info.st_size, info.st_mtime_ns)
' | sort | sha256sum | cut -c1-16)
    if [[ ! -f "$cache/$print/staticfiles.json" ]]; then
        say "collectstatic (kept in $cache/$print for the next runs)"
        mkdir -p "$cache"
        local new
        new=$(mktemp -d "$cache/$print.XXXXXX")  # two clusters coming up at once each collect their own
        chmod 755 "$new"
        DUDAO_STATIC_ROOT=$new "$VENV/bin/dudao" collectstatic --noinput -v0 >>"$DIR/log/migrate.log" 2>&1 \
            || { rm -rf "$new"; die "collectstatic failed (log: $DIR/log/migrate.log)"; }
        mv -T "$new" "$cache/$print" 2>/dev/null || rm -rf "$new"  # the other one was first: use its copy
    fi
    rmdir "$DIR/static" && ln -s "$cache/$print" "$DIR/static"
}

write_nginx_conf() {  # write_nginx_conf HTTP_PORT APP_PORT...
    local http_port=$1; shift
    local servers="" port
    for port in "$@"; do
        servers+="        server 127.0.0.1:$port max_fails=2 fail_timeout=10s;"$'\n'
    done
    cat >"$DIR/nginx/nginx.conf" <<CONF
# made by scripts/cluster.sh; every path is inside the cluster's folder
worker_processes 1;
pid $DIR/run/nginx.pid;
error_log $DIR/log/nginx.error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log $DIR/log/nginx.access.log;
    client_body_temp_path $DIR/nginx/client_body;
    proxy_temp_path $DIR/nginx/proxy;
    fastcgi_temp_path $DIR/nginx/fastcgi;
    uwsgi_temp_path $DIR/nginx/uwsgi;
    scgi_temp_path $DIR/nginx/scgi;

    upstream dudao {
        least_conn;
$servers    }
    server {
        listen 127.0.0.1:$http_port ssl;
        ssl_certificate     $DIR/nginx/tls.crt;
        ssl_certificate_key $DIR/nginx/tls.key;
        client_max_body_size 25m;

        location /static/ { alias $DIR/static/; expires 30d; }
        location / {
            proxy_pass http://dudao;
            proxy_next_upstream error timeout;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
CONF
}

stop_pidfile() {  # stop_pidfile NAME: TERM, then KILL after 10 s
    local file=$DIR/run/$1.pid pid
    alive "$file" || return 0
    pid=$(head -n 1 "$file")
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
}

down() {
    [[ -d "$DIR" ]] || { say "nothing at $DIR"; return 0; }
    [[ -e "$DIR/cluster.env" || -d "$DIR/pg" ]] || die "$DIR does not look like a cluster's folder; not removing it"
    stop_pidfile nginx
    stop_pidfile worker
    for app in "${APPS[@]}"; do stop_pidfile "$app"; done
    local BIN name
    BIN=$(pg_bindir)
    for name in replica primary; do
        if [[ -f "$DIR/pg/$name/postmaster.pid" ]]; then
            as_pg "$BIN/pg_ctl" -D "$DIR/pg/$name" -w -t 30 -m fast stop >/dev/null || true
        fi
    done
    rm -rf "$DIR"
    say "down"
}

status() {
    [[ -e "$DIR/cluster.env" ]] || { say "no cluster at $DIR"; return 3; }
    local failed=0 name
    for name in primary replica; do
        [[ -d "$DIR/pg/$name" ]] || continue
        if alive "$DIR/pg/$name/postmaster.pid"; then say "PostgreSQL $name: running"
        else say "PostgreSQL $name: stopped"; failed=1; fi
    done
    for name in "${APPS[@]}" worker nginx; do
        if alive "$DIR/run/$name.pid"; then say "$name: running (pid $(head -n 1 "$DIR/run/$name.pid"))"
        else say "$name: stopped"; failed=1; fi
    done
    if curl -fsSk -o /dev/null "$(cat "$DIR/url")health/"; then say "$(cat "$DIR/url")health/: 200"
    else say "$(cat "$DIR/url")health/: not answering 200"; failed=1; fi
    return $((failed * 3))
}

case ${1:-} in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status   (state in CLUSTER_DIR, default /tmp/dudao-cluster)" >&2; exit 2 ;;
esac
