#!/usr/bin/env bash
# Start or stop the fake Pushwoosh API (nginx) used by bench_client.py.
#
#   bash benchmarks/server.sh start     # listens on 127.0.0.1:${BENCH_PORT:-18080}
#   bash benchmarks/server.sh stop      # stops only the nginx this script started
#   bash benchmarks/server.sh status
#
# Everything nginx writes (rendered config, pid file, logs, temp files) lives in
# benchmarks/.scratch/nginx/, which is git-ignored.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="$HERE/.scratch/nginx"
TEMPLATE="$HERE/nginx.conf"
CONF="$PREFIX/nginx.conf"
PIDFILE="$PREFIX/logs/nginx.pid"
PORT="${BENCH_PORT:-18080}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

# Prints the master pid if the pid file names a live nginx started with our config.
our_pid() {
    [[ -s "$PIDFILE" ]] || return 1
    local pid
    pid="$(cat "$PIDFILE")"
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "-c $CONF" || return 1
    echo "$pid"
}

start() {
    if pid="$(our_pid)"; then
        echo "already running: nginx master pid $pid on 127.0.0.1:$PORT"
        return 0
    fi
    if [[ ! -x "$NGINX" ]]; then
        echo "nginx not found (apt-get install -y nginx-light)" >&2
        return 1
    fi
    if port_open; then
        echo "127.0.0.1:$PORT is already taken by another process; pick a free port, e.g." >&2
        echo "  BENCH_PORT=18090 bash benchmarks/server.sh start" >&2
        return 1
    fi
    mkdir -p "$PREFIX/logs" "$PREFIX/tmp"
    rm -f "$PIDFILE"
    sed "s/127\.0\.0\.1:18080/127.0.0.1:$PORT/" "$TEMPLATE" > "$CONF"
    local args=(-p "$PREFIX/" -e "$PREFIX/logs/error.log" -c "$CONF")
    "$NGINX" -t -q "${args[@]}"
    "$NGINX" "${args[@]}"   # daemonizes; the master writes the pid file
    for _ in $(seq 50); do
        if pid="$(our_pid)" && port_open; then
            echo "started: nginx master pid $pid on http://127.0.0.1:$PORT"
            return 0
        fi
        sleep 0.1
    done
    echo "nginx did not come up; see $PREFIX/logs/error.log" >&2
    return 1
}

stop() {
    local pid
    if ! pid="$(our_pid)"; then
        echo "not running (no live nginx with $CONF)"
        rm -f "$PIDFILE"
        return 0
    fi
    kill -QUIT "$pid"   # graceful: master and worker exit
    for _ in $(seq 50); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "stopped: nginx master pid $pid"
            return 0
        fi
        sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null || true
    sleep 0.5
    if kill -0 "$pid" 2>/dev/null; then
        echo "nginx master pid $pid did not exit" >&2
        return 1
    fi
    echo "stopped: nginx master pid $pid (SIGTERM)"
}

status() {
    if pid="$(our_pid)"; then
        echo "running: nginx master pid $pid ($CONF)"
    else
        echo "not running"
        return 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
