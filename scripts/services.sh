#!/usr/bin/env bash
# The data stores the examples and the instrumentation tests run against: PostgreSQL, Redis and
# RabbitMQ on 127.0.0.1, installed from Debian's packages when missing and started without an init
# system (the project's machines have none running).
#
#   bash scripts/services.sh up       install what is missing, start what is down, wait until each answers
#   bash scripts/services.sh status   say which answer; exit 1 if one does not
#   bash scripts/services.sh down     stop the three
#
# Settings the tests expect:
#   PostgreSQL  127.0.0.1:5432, trust auth for local connections, user postgres, database `test`
#   Redis       127.0.0.1:6379, no persistence
#   RabbitMQ    127.0.0.1:5672, guest/guest
#
# `up` is idempotent: when the three already answer it returns at once. Readiness is each server's
# own protocol answering (pg_isready, PING, the AMQP greeting), checked every 0.1 s up to a limit,
# never a fixed sleep. A service that fails to start is named with the path of its log.
set -euo pipefail

PG_PORT=5432
REDIS_PORT=6379
AMQP_PORT=5672
STATE_DIR=${TRACEWRIGHT_SERVICES_DIR:-/var/tmp/tracewright-services}
START_TIMEOUT_S=${TRACEWRIGHT_SERVICES_TIMEOUT_S:-120}

say() { printf 'services: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else fail "Failed to run '$*': it needs root. Please run this script as root or install sudo."
  fi
}

# --- readiness probes: each asks the server itself, and returns at once ---------------------------

# pg_isready answers for the server alone; the query proves the database `test` takes connections.
# The server itself, before the database `test` exists.
postgres_ready_server() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -t 2 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; }

postgres_ready() {
  command -v psql >/dev/null 2>&1 && postgres_ready_server &&
    [ "$(PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d test -tAc 'SELECT 1' 2>/dev/null)" = 1 ]
}

redis_ready() {
  command -v redis-cli >/dev/null 2>&1 && [ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

# A broker that accepts the connection answers the AMQP 0-9-1 protocol header with a Connection.Start
# method frame: frame type 1. A port that is open but not yet serving AMQP answers nothing or closes.
rabbitmq_ready() {
  local reply
  reply=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$AMQP_PORT && printf 'AMQP\\x00\\x00\\x09\\x01' >&3 && head -c 1 <&3 | od -An -tx1" 2>/dev/null) || return 1
  [ "${reply// /}" = 01 ]
}

# Waits for a probe, checking every 0.1 s; on a timeout names the service and its log.
wait_ready() {
  local name=$1 probe=$2 log=$3 deadline=$((SECONDS + START_TIMEOUT_S))
  until "$probe"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "Failed to start $name: it did not answer within ${START_TIMEOUT_S} s."
      say "Its log is $log; the last lines:"
      tail -n 8 "$log" 2>/dev/null | sed 's/^/    /' >&2 || true
      return 1
    fi
    sleep 0.1
  done
}

# --- installing --------------------------------------------------------------------------------------

APT_UPDATED=
apt_install() {
  command -v apt-get >/dev/null 2>&1 || fail "Failed to install $*: apt-get is missing. Please install $* with your system's package manager, or point DATABASE_URL, REDIS_URL and AMQP_URL at running servers."
  if [ -z "$APT_UPDATED" ]; then
    say "updating the package lists"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  say "installing $*"
  # Debian's maintainer scripts would try to start each server through an init system this machine
  # does not have; this script starts them itself.
  as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- PostgreSQL --------------------------------------------------------------------------------------

pg_cluster() { pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }'; }

postgres_log() {
  local cluster; cluster=$(pg_cluster)
  if [ -n "$cluster" ]; then echo "/var/log/postgresql/postgresql-${cluster/ /-}.log"; else echo /var/log/postgresql/; fi
}

postgres_up() {
  if postgres_ready; then say "PostgreSQL answers on 127.0.0.1:$PG_PORT"; return; fi
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
  local cluster version name
  cluster=$(pg_cluster)
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    as_root pg_createcluster --port "$PG_PORT" "$version" main >/dev/null
    cluster=$(pg_cluster)
  fi
  read -r version name <<<"$cluster"
  local conf=/etc/postgresql/$version/$name
  # Loopback only, trust for local connections, and no durability: a test database is thrown away.
  as_root tee "$conf/conf.d/tracewright.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  as_root tee "$conf/pg_hba.conf" >/dev/null <<'EOF'
# Written by tracewright's scripts/services.sh: a local test server, trusted for local connections.
local   all   all                 trust
host    all   all   127.0.0.1/32  trust
host    all   all   ::1/128       trust
EOF
  say "starting PostgreSQL $version/$name"
  as_root pg_ctlcluster "$version" "$name" start || true
  wait_ready PostgreSQL postgres_ready_server "$(postgres_log)" || return 1
  if [ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]; then
    psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'CREATE DATABASE test' || return 1
  fi
  postgres_ready || fail "Failed to start PostgreSQL: the server answers but the database test does not. Its log is $(postgres_log)."
  say "PostgreSQL answers on 127.0.0.1:$PG_PORT"
}


postgres_down() {
  local cluster; cluster=$(pg_cluster)
  [ -n "$cluster" ] || return 0
  # shellcheck disable=SC2086
  as_root pg_ctlcluster $cluster stop -m fast 2>/dev/null || true
}

# --- Redis -------------------------------------------------------------------------------------------

redis_up() {
  if redis_ready; then say "Redis answers on 127.0.0.1:$REDIS_PORT"; return; fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server redis-tools
  mkdir -p "$STATE_DIR/redis"
  say "starting Redis"
  # No RDB snapshots and no AOF: nothing the tests write outlives the server.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --dir "$STATE_DIR/redis" --pidfile "$STATE_DIR/redis/redis.pid" --logfile "$STATE_DIR/redis/redis.log"
  wait_ready Redis redis_ready "$STATE_DIR/redis/redis.log" || return 1
  say "Redis answers on 127.0.0.1:$REDIS_PORT"
}

redis_down() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

# --- RabbitMQ ----------------------------------------------------------------------------------------

RABBITMQ_LOG_DIR=/var/log/rabbitmq

rabbitmq_env() {
  # Every listener on loopback: AMQP, the Erlang port mapper and the inter-node distribution port.
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$AMQP_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
}

rabbitmq_up() {
  if rabbitmq_ready; then say "RabbitMQ answers on 127.0.0.1:$AMQP_PORT"; return; fi
  command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
  rabbitmq_env
  say "starting RabbitMQ"
  as_root env RABBITMQ_NODE_IP_ADDRESS="$RABBITMQ_NODE_IP_ADDRESS" RABBITMQ_NODE_PORT="$RABBITMQ_NODE_PORT" \
    ERL_EPMD_ADDRESS="$ERL_EPMD_ADDRESS" RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS" \
    rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_ready RabbitMQ rabbitmq_ready "$RABBITMQ_LOG_DIR/" || return 1
  say "RabbitMQ answers on 127.0.0.1:$AMQP_PORT"
}

rabbitmq_down() {
  command -v rabbitmqctl >/dev/null 2>&1 || return 0
  if rabbitmq_ready; then as_root rabbitmqctl -q stop >/dev/null 2>&1 || true; fi
  # `rabbitmqctl stop` returns while the Erlang VM is still shutting down; a following `up` must not
  # find it half there. Then the port mapper the broker started goes too.
  local deadline=$((SECONDS + 30))
  while pgrep -u rabbitmq -f beam.smp >/dev/null 2>&1 && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  command -v epmd >/dev/null 2>&1 && as_root epmd -kill >/dev/null 2>&1 || true
}

# --- commands ----------------------------------------------------------------------------------------

status() {
  local down=0
  if postgres_ready; then say "PostgreSQL: up (127.0.0.1:$PG_PORT, database test)"; else say "PostgreSQL: down"; down=1; fi
  if redis_ready; then say "Redis: up (127.0.0.1:$REDIS_PORT)"; else say "Redis: down"; down=1; fi
  if rabbitmq_ready; then say "RabbitMQ: up (127.0.0.1:$AMQP_PORT)"; else say "RabbitMQ: down"; down=1; fi
  return "$down"
}

up() {
  local started=$SECONDS failed=()
  # Each in turn, so one that fails does not hide whether the others start.
  postgres_up || failed+=(PostgreSQL)
  redis_up || failed+=(Redis)
  rabbitmq_up || failed+=(RabbitMQ)
  if [ "${#failed[@]}" -gt 0 ]; then fail "Failed to start: ${failed[*]} (see the log named above for each)."; fi
  say "all three answer ($((SECONDS - started)) s)"
}

down() {
  postgres_down
  redis_down
  rabbitmq_down
  say "stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: bash scripts/services.sh up|status|down" >&2; exit 2 ;;
esac
