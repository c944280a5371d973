#!/usr/bin/env bash
# Runs the suite's embedded servers in the background, without Docker, until stopped; their data is kept between
# runs (under $BP_STATE_DIR, default ~/.local/state/backend-patterns/KIND) and their endpoints are printed in exactly
# the form the pattern commands take, so several benchmarks can share one long-lived server:
#
#   scripts/servers.sh start kafka          # prints e.g. --kafka=127.0.0.1:40123
#   java -jar rate-limiter/target/rate-limiter.jar $(scripts/servers.sh endpoints redis)
#   scripts/servers.sh status kafka
#   scripts/servers.sh stop kafka
#
# KIND: redis, redis-durable (append-only file, fsync always), redis-cluster, kafka, kafka-cluster, cassandra, cassandra-cluster.
# Needs the built jars (./mvnw -B -q package -DskipTests): any module's runnable jar carries the launchers.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/servers.sh start|status|stop|endpoints redis|redis-durable|redis-cluster|kafka|kafka-cluster|cassandra|cassandra-cluster" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1 kind=$2
case "$kind" in redis|redis-durable|redis-cluster|kafka|kafka-cluster|cassandra|cassandra-cluster) ;; *) usage ;; esac
state=${BP_STATE_DIR:-$HOME/.local/state/backend-patterns}/$kind
jar=$(ls rate-limiter/target/rate-limiter.jar 2>/dev/null || true)

running() { [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; }

case "$action" in
  start)
    if running; then cat "$state/endpoints"; exit 0; fi
    [ -n "$jar" ] || { echo "servers.sh: no runnable jar; build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
    mkdir -p "$state"
    rm -f "$state/endpoints" "$state/pid"
    nohup java -cp "$jar" dev.backendpatterns.common.ServersCommand run "$kind" --state-dir "$state" \
      > "$state/servers.log" 2>&1 < /dev/null &
    echo $! > "$state/pid"
    for _ in $(seq 1 600); do
      [ -f "$state/endpoints" ] && { cat "$state/endpoints"; exit 0; }
      running || { echo "servers.sh: $kind did not start; last lines of $state/servers.log:" >&2; tail -n 30 "$state/servers.log" >&2; rm -f "$state/pid"; exit 1; }
      sleep 0.5
    done
    echo "servers.sh: $kind not ready after 300 s; see $state/servers.log" >&2
    exit 1 ;;
  status)
    if running && [ -f "$state/endpoints" ]; then
      echo "$kind running (pid $(cat "$state/pid")): $(cat "$state/endpoints")"
    elif running; then
      echo "$kind starting (pid $(cat "$state/pid"))"
    else
      echo "$kind stopped"; exit 3
    fi ;;
  endpoints)
    running && [ -f "$state/endpoints" ] || { echo "servers.sh: $kind is not running (scripts/servers.sh start $kind)" >&2; exit 3; }
    cat "$state/endpoints" ;;
  stop)
    if running; then
      pid=$(cat "$state/pid")
      kill -TERM "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && { echo "servers.sh: $kind did not stop in 60 s; killing it" >&2; kill -KILL "$pid"; }
      echo "$kind stopped"
    else
      echo "$kind was not running"
    fi
    rm -f "$state/pid" "$state/endpoints" ;;
  *) usage ;;
esac
