#!/usr/bin/env bash
# Measures what a broker itself takes on this machine, with its own tool, so that the suite's publish rates can be set
# against it; writes one JSON per measurement (pattern "ceiling"), which scripts/results.sh tables like any result.
#
#   scripts/ceilings.sh redis --redis=redis://127.0.0.1:6379 OUT.json   # valkey-benchmark SPUBLISH, 15 subscribed shard channels
#   scripts/ceilings.sh kafka --kafka=127.0.0.1:9092 OUT.json          # Kafka's ProducerPerformance, acks=all, 15 partitions
#   scripts/ceilings.sh redis-script --redis=redis://127.0.0.1:6379 OUT.json  # valkey-benchmark EVALSHA of a rate-limiter script
#
# Each measurement runs REPEATS times (default 3) and the JSON's figure is the median run (by throughput), with every
# run's throughput in "runs_per_s": on this shared 2-core machine one run of the same command moved by 20-60%.
# Environment: PAYLOAD_BYTES (default 200, the size of a dashboard score), CHANNELS (15), RECORDS (2000000 for
# Kafka, 1000000 for Redis). redis-script: ALGORITHM (token_bucket; also gcra, fixed_window, sliding_window_counter),
# KEYS_PER_CALL (32) random keys of KEYSPACE (10000) per call, CALLS (200000), the rate limiter's default limits; its
# keys (bp:rl:ceiling:*) are deleted at the end. Redis needs valkey-benchmark and valkey-cli (Debian bookworm-backports: valkey-tools);
# Kafka's tools are resolved with the Maven wrapper from scripts/kafka-tools/pom.xml.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 3 ] || { echo "usage: scripts/ceilings.sh redis|kafka|redis-script ENDPOINT-FLAG OUT.json" >&2; exit 2; }
kind=$1 endpoint=$2 out=$3
PAYLOAD_BYTES=${PAYLOAD_BYTES:-200}
CHANNELS=${CHANNELS:-15}
payload=$(head -c "$PAYLOAD_BYTES" /dev/zero | tr '\0' 'x')
cores=$(nproc)
REPEATS=${REPEATS:-3}
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || { echo "ceilings.sh: REPEATS must be a positive integer, not '$REPEATS'" >&2; exit 2; }
runs=() # one "THROUGHPUT P50 P99" per repeat

# median_run: sets rps, p50 and p99 from the run of median throughput, runs_json to every run's throughput
median_run() {
  local line
  line=$(printf '%s\n' "${runs[@]}" | sort -g -k1,1 | sed -n "$(( (${#runs[@]} + 1) / 2 ))p")
  read -r rps p50 p99 <<<"$line"
  runs_json=$(printf '%s\n' "${runs[@]}" | awk '{ printf "%s%s", (NR > 1 ? "," : ""), $1 }')
}

write() { # write TOOL MODE PER_S P50_MS P99_MS COMMAND
  printf '{"schema_version":2,"pattern":"ceiling","source":"%s","parameters":{"broker":"%s","payload_bytes":%s},"backends":[{"kind":"%s","mode":"%s"}],"throughput_per_s":%s,"published_per_s":%s,"runs_per_s":[%s],"latency_ms":{"p50":%s,"p99":%s},"command":"%s","machine":{"cores":%s}}\n' \
    "$1" "$kind" "$PAYLOAD_BYTES" "$kind" "$2" "$3" "$3" "$runs_json" "$4" "$5" "$6" "$cores" > "$out"
  echo "ceiling written to $out: $3 per second ($1, median of ${#runs[@]} runs: $runs_json)"
}

case "$kind" in
  redis)
    command -v valkey-benchmark >/dev/null || { echo "ceilings.sh: valkey-benchmark not found (apt-get install -t bookworm-backports valkey-tools)" >&2; exit 1; }
    hostport=${endpoint#--redis=redis://}; host=${hostport%:*}; port=${hostport##*:}
    RECORDS=${RECORDS:-1000000}
    pids=()
    for i in $(seq 0 $((CHANNELS - 1))); do # valkey-benchmark's __rand_int__ is 12 digits
      valkey-cli -h "$host" -p "$port" ssubscribe "bp:ceiling:$(printf '%012d' "$i")" > /dev/null & pids+=($!)
    done
    sleep 1
    cmd="valkey-benchmark -h $host -p $port -P 32 -c 32 -n $RECORDS -r $CHANNELS --csv spublish bp:ceiling:__rand_int__ <$PAYLOAD_BYTES bytes>"
    for _ in $(seq 1 "$REPEATS"); do
      line=$(valkey-benchmark -h "$host" -p "$port" -P 32 -c 32 -n "$RECORDS" -r "$CHANNELS" --csv spublish 'bp:ceiling:__rand_int__' "$payload" | tail -n 1)
      # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      IFS=, read -r _ rps _ _ p50 _ p99 _ <<<"$(echo "$line" | tr -d '"')"
      runs+=("$rps $p50 $p99")
    done
    kill "${pids[@]}" 2>/dev/null || true
    median_run
    write valkey-benchmark standalone "$rps" "$p50" "$p99" "$cmd" ;;
  redis-script)
    command -v valkey-benchmark >/dev/null || { echo "ceilings.sh: valkey-benchmark not found (apt-get install -t bookworm-backports valkey-tools)" >&2; exit 1; }
    hostport=${endpoint#--redis=redis://}; host=${hostport%:*}; port=${hostport##*:}
    ALGORITHM=${ALGORITHM:-token_bucket} KEYS_PER_CALL=${KEYS_PER_CALL:-32} KEYSPACE=${KEYSPACE:-10000} CALLS=${CALLS:-200000}
    case "$ALGORITHM" in
      token_bucket|gcra) limits=(1000 1000) ;;               # refill rate per second, bucket size
      fixed_window|sliding_window_counter) limits=(1000 1000) ;; # window ms, threshold
      *) echo "ceilings.sh: no ceiling for algorithm '$ALGORITHM'" >&2; exit 2 ;;
    esac
    script=rate-limiter/src/main/resources/dev/backendpatterns/ratelimiter/$ALGORITHM.lua
    sha=$(valkey-cli -h "$host" -p "$port" script load "$(cat "$script")")
    keys=() counts=()
    for _ in $(seq 1 "$KEYS_PER_CALL"); do keys+=("bp:rl:ceiling:__rand_int__"); counts+=(1); done
    # ARGV: the two limits, an empty clock (the server's TIME), then one request per key
    for _ in $(seq 1 "$REPEATS"); do # each run from no buckets at all
      line=$(valkey-benchmark -h "$host" -p "$port" -P 32 -c 32 -n "$CALLS" -r "$KEYSPACE" --csv \
        evalsha "$sha" "$KEYS_PER_CALL" "${keys[@]}" "${limits[@]}" "" "${counts[@]}" | tail -n 1)
      valkey-cli -h "$host" -p "$port" --scan --pattern 'bp:rl:ceiling:*' | xargs -r -n 1000 valkey-cli -h "$host" -p "$port" unlink > /dev/null
      IFS=, read -r _ calls _ _ p50 _ p99 _ <<<"$(echo "$line" | tr -d '"')"
      runs+=("$(awk -v c="$calls" -v k="$KEYS_PER_CALL" 'BEGIN { printf "%.0f", c * k }') $p50 $p99")
    done
    median_run
    decisions=$rps
    calls=$(awk -v d="$decisions" -v k="$KEYS_PER_CALL" 'BEGIN { printf "%.2f", d / k }')
    cmd="valkey-benchmark -P 32 -c 32 -n $CALLS -r $KEYSPACE evalsha <sha of $ALGORITHM.lua> $KEYS_PER_CALL <$KEYS_PER_CALL random keys> ${limits[*]} '' <1 per key>"
    printf '{"schema_version":2,"pattern":"ceiling","source":"valkey-benchmark","parameters":{"algorithm":"%s (server ceiling, %s keys per call)","keys":%s,"keys_per_call":%s},"backends":[{"kind":"redis","mode":"standalone"}],"throughput_per_s":%s,"script_calls_per_s":%s,"runs_per_s":[%s],"latency_ms":{"p50":%s,"p99":%s},"command":"%s","machine":{"cores":%s}}\n' \
      "$ALGORITHM" "$KEYS_PER_CALL" "$KEYSPACE" "$KEYS_PER_CALL" "$decisions" "$calls" "$runs_json" "$p50" "$p99" "$cmd" "$cores" > "$out"
    echo "ceiling written to $out: $decisions decisions per second ($calls calls of $KEYS_PER_CALL keys, valkey-benchmark; median of ${#runs[@]} runs: $runs_json)" ;;
  kafka)
    bootstrap=${endpoint#--kafka=}
    RECORDS=${RECORDS:-2000000}
    cp_file=scripts/kafka-tools/target/classpath.txt
    if [ ! -s "$cp_file" ]; then
      ./mvnw -B -q -f scripts/kafka-tools/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
    fi
    cp=$(cat "$cp_file")
    props="acks=all enable.idempotence=true linger.ms=5 batch.size=131072"
    cmd="ProducerPerformance --topic bp-ceiling-<time> --num-records $RECORDS --record-size $PAYLOAD_BYTES --throughput -1 --command-property $props"
    for _ in $(seq 1 "$REPEATS"); do # each run into a new topic of its own
      topic=bp-ceiling-$(date +%s%N)
      java -cp "$cp" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --topic "$topic" \
        --partitions "$CHANNELS" --replication-factor 1 > /dev/null
      # shellcheck disable=SC2086
      line=$(java -cp "$cp" org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$bootstrap" --topic "$topic" \
        --num-records "$RECORDS" --record-size "$PAYLOAD_BYTES" --throughput -1 --command-property $props \
        | grep -E '^[0-9]+ records sent' | tail -n 1)
      java -cp "$cp" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --delete --topic "$topic" > /dev/null || true
      # N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, ...
      rps=$(echo "$line" | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')
      p50=$(echo "$line" | sed -E 's/.* ([0-9]+) ms 50th.*/\1/')
      p99=$(echo "$line" | sed -E 's/.* ([0-9]+) ms 99th.*/\1/')
      runs+=("$rps $p50 $p99")
    done
    median_run
    write ProducerPerformance standalone "$rps" "$p50" "$p99" "$cmd" ;;
  *) echo "ceilings.sh: unknown kind '$kind' (redis, kafka or redis-script)" >&2; exit 2 ;;
esac
