#!/usr/bin/env bash
# Reproduces the benchmark tables and charts of README.md: runs every benchmark, writes one JSON result per run under
# results/, then regenerates the README's tables and the charts (PNG, next to the results) from those files, never by
# hand. scripts/results.sh is the tool that reads them.
#
#   scripts/bench-all.sh                 # every section
#   scripts/bench-all.sh rate-limiter    # one section
#
# Sections: rate-limiter, application-cache, pubsub, streams (default: all).
#
# Environment: REQUESTS (default 10000000) per standalone run; CLUSTER_REQUESTS (default 2000000) per cluster run
# (six Redis processes and the client share the machine); PEER_DURATION (default 60s) per run of the slower peers
# (Bucket4j, Redisson), which are timed rather than counted; SEMAPHORE (default 256) requests in flight; KEYS
# (default 10000) identities in the many-key runs; EXTRA_FLAGS, e.g. "--redis=redis://host:6379" to measure an
# external server instead of the embedded one. Application cache: FILTER_REQUESTS (default 400000) per r-filter run,
# INVALIDATION_DURATION (default 30s) per cache-invalidation run, FILTER_KEYS (default "10000000 100000000") for the JMH
# comparison of the Bloom filters (none: skip it and keep its table); the WAITAOF runs need Valkey (valkey-server, or
# Debian bookworm-backports' valkey-tools) or BP_WAITAOF_SERVER naming a Redis 7.2+, and are skipped without one. Pub/Sub: DASHBOARD_PARTICIPANTS (default 2000000) on Redis,
# DASHBOARD_KAFKA_PARTICIPANTS (200000) on Kafka, EXCHANGE_SECONDS (200) of the stock exchange on Redis; the ceilings
# need valkey-benchmark (Debian bookworm-backports: valkey-tools). Streams: HANDOFF_KEYS (default 10000000) keys of each hinted-handoff log,
# LEAKY_PUBLISHERS (default 100000) entries of each leaky-bucket burst.
# Runs against the embedded servers unless EXTRA_FLAGS names one. Needs only a JDK: the build uses ./mvnw.
# FROM=N resumes a section at its N-th run, keeping the results of the runs before it.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-10000000}
CLUSTER_REQUESTS=${CLUSTER_REQUESTS:-2000000}
PEER_DURATION=${PEER_DURATION:-60s}
SEMAPHORE=${SEMAPHORE:-256}
KEYS=${KEYS:-10000}
EXTRA_FLAGS=${EXTRA_FLAGS:-}
SECTIONS=${*:-rate-limiter application-cache pubsub streams}
FILTER_REQUESTS=${FILTER_REQUESTS:-400000}
INVALIDATION_DURATION=${INVALIDATION_DURATION:-30s}
FILTER_KEYS=${FILTER_KEYS:-10000000 100000000}
DASHBOARD_PARTICIPANTS=${DASHBOARD_PARTICIPANTS:-2000000}
DASHBOARD_KAFKA_PARTICIPANTS=${DASHBOARD_KAFKA_PARTICIPANTS:-200000}
EXCHANGE_SECONDS=${EXCHANGE_SECONDS:-200}
HANDOFF_KEYS=${HANDOFF_KEYS:-10000000}
LEAKY_PUBLISHERS=${LEAKY_PUBLISHERS:-100000}
FROM=${FROM:-1}

./mvnw -B -q package -DskipTests

run() { # run JAR NAME ARGS...: one benchmark into $out/NN-NAME.json, numbered in run order (the table's row order);
  # its summary goes to stdout; a run whose requests partly failed or timed out (exit code 3) is kept, as the tables
  # show its errors and timeouts; any other failure stops the script
  local jar=$1 json rc=0
  n=$((n + 1))
  json=$(printf '%s/%02d-%s.json' "$out" "$n" "$2")
  shift 2
  [ "$n" -ge "$FROM" ] || { echo "== $(basename "$json" .json): kept from an earlier run"; return 0; }
  echo "== $(basename "$json" .json): $*"
  # shellcheck disable=SC2086
  java -jar "$jar" "$@" $EXTRA_FLAGS --no-progress --json "$json" || rc=$?
  if [ "$rc" -eq 3 ]; then
    echo "   (some requests failed or timed out: kept, the tables show them)"
  elif [ "$rc" -ne 0 ]; then
    exit "$rc"
  fi
}

waitaof_server() { # prints a server with WAITAOF: BP_WAITAOF_SERVER, valkey-server, or valkey-check-rdb linked under that name
  local link
  if [ -n "${BP_WAITAOF_SERVER:-}" ]; then echo "$BP_WAITAOF_SERVER"; return 0; fi
  if command -v valkey-server >/dev/null 2>&1; then command -v valkey-server; return 0; fi
  command -v valkey-check-rdb >/dev/null 2>&1 || return 1
  # Debian's valkey-server is this link: the tool serves when called by the server's name
  link="${TMPDIR:-/tmp}/backend-patterns-valkey/valkey-server"
  mkdir -p "$(dirname "$link")" && ln -sf "$(command -v valkey-check-rdb)" "$link" && echo "$link"
}

fresh_dir() { # fresh_dir DIR: an empty results directory, unless resuming (FROM > 1)
  if [ "$FROM" -le 1 ]; then rm -rf "$1"; fi
  mkdir -p "$1"
}

rate_limiter() {
  local jar=rate-limiter/target/rate-limiter.jar
  out=results/rate-limiter n=0
  fresh_dir "$out"
  # standalone, one hot key (the reference's scenario): every algorithm, the noop ceiling, per-request calls, peers
  for algorithm in noop token_bucket gcra sliding_window_log sliding_window_counter fixed_window; do
    run "$jar" "single-1-$algorithm" --algorithm=$algorithm --requests="$REQUESTS" --semaphore="$SEMAPHORE"
  done
  run "$jar" single-1-token_bucket-per-request --algorithm=token_bucket --no-coalesce --no-batch --requests="$REQUESTS" --semaphore="$SEMAPHORE"
  for peer in bucket4j redisson; do
    run "$jar" "single-1-$peer" --algorithm=$peer --duration="$PEER_DURATION" --semaphore="$SEMAPHORE"
  done
  # standalone, many keys: little to coalesce, so one script call per decision
  for algorithm in noop token_bucket; do
    run "$jar" "single-keys-$algorithm" --algorithm=$algorithm --keys="$KEYS" --requests="$REQUESTS" --semaphore="$SEMAPHORE"
  done
  for peer in bucket4j redisson; do
    run "$jar" "single-keys-$peer" --algorithm=$peer --keys="$KEYS" --duration="$PEER_DURATION" --semaphore="$SEMAPHORE"
  done
  # embedded Redis Cluster (3 masters + 3 replicas), many keys spread over every master
  for algorithm in noop token_bucket gcra sliding_window_log sliding_window_counter fixed_window; do
    run "$jar" "cluster-keys-$algorithm" --cluster --keys="$KEYS" --algorithm=$algorithm --requests="$CLUSTER_REQUESTS" --semaphore="$SEMAPHORE"
  done
  for peer in bucket4j redisson; do
    run "$jar" "cluster-keys-$peer" --cluster --keys="$KEYS" --algorithm=$peer --duration="$PEER_DURATION" --semaphore="$SEMAPHORE"
  done
  # the same keys in 12 hash-tag groups, so that a cluster batches the keys of one group per call
  run "$jar" cluster-keys-token_bucket-slot-groups --cluster --keys="$KEYS" --slot-groups=12 --algorithm=token_bucket --requests="$CLUSTER_REQUESTS" --semaphore="$SEMAPHORE"
  # the server's own ceiling for the batched token_bucket script at the same key spread: valkey-benchmark, EVALSHA of
  # 32 random keys per call, deeply pipelined, against the same Redis (scripts/servers.sh)
  n=$((n + 1))
  if [ "$n" -lt "$FROM" ]; then
    echo "== $n: kept from an earlier run"
  elif command -v valkey-benchmark >/dev/null; then
    local redis
    redis=$(scripts/servers.sh start redis)
    KEYSPACE="$KEYS" scripts/ceilings.sh redis-script "$redis" "$(printf '%s/%02d-single-keys-token_bucket-ceiling.json' "$out" "$n")"
    scripts/servers.sh stop redis >/dev/null
  else
    echo "== $n: no valkey-benchmark (Debian bookworm-backports: valkey-tools): the script's server ceiling is skipped"
  fi
  scripts/results.sh table --readme README.md --section rate-limiter \
    --baseline parameters.algorithm=noop --group-by backends.0.mode+parameters.keys \
    --columns "Mode=backends.0.mode,Keys=parameters.keys,Algorithm=parameters.algorithm,Coalesced=parameters.coalesce,Batched=parameters.batch,Slot groups=parameters.slot_groups:n,Requests=requests:n,Requests/s=throughput_per_s:n,p50 µs=latency_us.p50:n,p99 µs=latency_us.p99:n,p99.9 µs=latency_us.p999:n,Errors=outcomes.error:n0,Timeouts=outcomes.timeout:n0,Allowed=outcomes.allowed:n,Redis RSS MiB=memory.server_after.rss_bytes:mib,Client heap MiB=memory.client_heap_peak_bytes:mib" \
    "$out"/[0-9]*.json
  scripts/results.sh chart throughput --out "$out/throughput.png" --title "Rate limiter: decisions per second" \
    --label parameters.algorithm --series backends.0.mode+parameters.keys --value-label "decisions per second" \
    $(ls "$out"/[0-9]*.json | grep -v -e per-request -e slot-groups)
  scripts/results.sh chart percentiles --out "$out/latency-hot-key.png" \
    --title "Rate limiter, one hot key, standalone: latency by percentile" --label parameters.algorithm \
    "$out"/0[1-6]-single-1-*.json
  scripts/results.sh chart percentiles --out "$out/latency-cluster.png" \
    --title "Rate limiter, 10,000 keys, Redis Cluster: latency by percentile" --label parameters.algorithm \
    $(ls "$out"/*-cluster-keys-*.json | grep -v slot-groups)
  java -jar "$jar" accuracy --json "$out/accuracy.json" $EXTRA_FLAGS | tee "$out/accuracy.txt"
  # a master of the embedded cluster killed 10 s into a 30 s run; three keys, so that key 0 is throttled and a replica
  # promoted with older state would show as over-admission (exit 3: requests failed during the failover, as expected)
  java -jar "$jar" --cluster --kill-master-after=10s --duration=30s --keys=3 --algorithm=token_bucket \
    --refill-rate=1000 --bucket-size=1000 --semaphore="$SEMAPHORE" --no-progress --json "$out/failover.json" $EXTRA_FLAGS \
    | tee "$out/failover.txt" || [ "${PIPESTATUS[0]}" -eq 3 ]
  scripts/results.sh table --readme README.md --section rate-limiter-accuracy --rows results \
    --columns "Algorithm=algorithm,Pattern=pattern,Arrivals=arrivals:n,Admitted=admitted:n,Most in any window=max_in_any_window:n,Limit=limit_per_window:n,Overshoot=overshoot" \
    "$out/accuracy.json"
}

stop_application_cache_servers() {
  scripts/servers.sh stop cassandra >/dev/null; scripts/servers.sh stop redis >/dev/null; scripts/servers.sh stop redis-cluster >/dev/null
}

application_cache() {
  local jar=application-cache/target/application-cache.jar cql redis cluster inserted bits
  out=results/application-cache n=0
  fresh_dir "$out"
  # one Cassandra and one Redis for every run (scripts/servers.sh), so runs share a warm store
  cql=$(scripts/servers.sh start cassandra)
  redis=$(scripts/servers.sh start redis)
  cluster=$(scripts/servers.sh start redis-cluster)
  trap stop_application_cache_servers EXIT
  # r-filter: the reference's workload at the reference's 20 bits per inserted key, k = 10; R filter of 7 characters
  inserted=$((FILTER_REQUESTS / 2)) bits=$((FILTER_REQUESTS / 2 * 20))
  for algorithm in none bloom_filter blocked_bloom guava r_filter; do
    # shellcheck disable=SC2086
    run "$jar" "rfilter-$algorithm" r-filter $cql --algorithm=$algorithm --requests="$FILTER_REQUESTS" --semaphore=1000 \
      --bits="$bits" --position=10 --length=7 --seed=1
  done
  scripts/results.sh table --readme README.md --section application-cache-rfilter \
    --columns "Algorithm=parameters.algorithm,Requests=requests:n,Requests/s=throughput_per_s:n,p50 µs=latency_us.p50:n,p99 µs=latency_us.p99:n,Inserted=outcomes.inserted:n0,True pos.=outcomes.true_positive:n0,False pos.=outcomes.false_positive:n0,True neg.=outcomes.true_negative:n0,False neg.=outcomes.false_negative:n0,Store reads avoided=store_reads_avoided:n,FP rate (probe)=filter.false_positive_rate:pct,FP rate (formula)=filter.false_positive_rate_expected:pct,Filter MiB=filter.memory_bytes:mib,Bytes/key=filter.bytes_per_key,Errors=outcomes.error:n0" \
    "$out"/*-rfilter-*.json
  scripts/results.sh chart throughput --out "$out/rfilter-throughput.png" --title "r-filter: requests per second in front of Cassandra" \
    --label parameters.algorithm "$out"/*-rfilter-*.json
  # cache invalidation: every strategy on the same schedule (seed), failures injected, fills delayed
  for strategy in none invalidate delete-after double-delete versioned lease; do
    # shellcheck disable=SC2086
    run "$jar" "invalidation-$strategy" cache-invalidation $cql $redis --strategy=$strategy --duration="$INVALIDATION_DURATION" \
      --keys=100 --write-ratio=0.1 --failure-rate=0.01 --fill-delay-ms=2 --semaphore=64 --seed=7
  done
  for strategy in none versioned; do
    # shellcheck disable=SC2086
    run "$jar" "invalidation-cluster-$strategy" cache-invalidation $cql $cluster --strategy=$strategy \
      --duration="$INVALIDATION_DURATION" --keys=100 --write-ratio=0.1 --failure-rate=0.01 --fill-delay-ms=2 --semaphore=64 --seed=7
  done
  scripts/results.sh table --readme README.md --section application-cache-invalidation \
    --columns "Strategy=invalidation.strategy,Mode=backends.0.mode,Wait=parameters.wait,Reads=invalidation.reads:n,Writes=invalidation.writes:n,Failures injected=invalidation.injected_failures:n,Stale reads=invalidation.stale_reads:n,Stale rate=invalidation.stale_rate:pct,Max staleness ms=invalidation.max_staleness_ms,Still stale at end=invalidation.entries_still_stale:n,Hit rate=invalidation.cache_hit_rate:pct,Requests/s=throughput_per_s:n,Read p99 µs=latency_by_outcome_us.fresh.p99:n,Write p99 µs=latency_by_outcome_us.write.p99:n,Errors=outcomes.error:n0" \
    "$out"/*-invalidation-*.json
  # durable cache writes on a 6-node Valkey cluster started by each run: WAIT, then WAITAOF at both fsync policies
  local valkey
  if [ -z "$EXTRA_FLAGS" ] && valkey=$(waitaof_server); then
    for durable in "wait" "waitaof everysec" "waitaof always"; do
      local mode fsync
      read -r mode fsync <<< "$durable"
      # shellcheck disable=SC2086
      BP_REDIS_SERVER=$valkey run "$jar" "durable-$mode${fsync:+-$fsync}" cache-invalidation $cql --cluster --instances=6 \
        --strategy=versioned --wait="$mode" ${fsync:+--appendfsync=$fsync} --duration="$INVALIDATION_DURATION" \
        --keys=100 --write-ratio=0.1 --failure-rate=0.01 --fill-delay-ms=2 --semaphore=64 --seed=7
    done
    scripts/results.sh table --readme README.md --section application-cache-durable \
      --columns "Server=backends.0.server,Version=backends.0.version,Wait=parameters.wait,appendfsync=parameters.appendfsync,Requests/s=throughput_per_s:n,Read p99 µs=latency_by_outcome_us.fresh.p99:n,Write p50 µs=latency_by_outcome_us.write.p50:n,Write p99 µs=latency_by_outcome_us.write.p99:n,Waits sent=invalidation.waits_sent:n,Writes per wait=invalidation.writes_per_wait,WAITAOF repeats=invalidation.waitaof_repeats:n,Stale reads=invalidation.stale_reads:n,Errors=outcomes.error:n0" \
      "$out"/*-durable-*.json
  else
    echo "== no Valkey or Redis 7.2+ here (or EXTRA_FLAGS names a server): the WAITAOF runs are skipped, their table kept"
  fi
  scripts/results.sh chart throughput --out "$out/invalidation-stale-reads.png" --title "Stale reads per strategy (same schedule, 1% failures, 2 ms fill delay)" \
    --label invalidation.strategy --series backends.0.mode --value invalidation.stale_reads --value-label "stale reads" "$out"/*-invalidation-*.json
  # the Bloom filters against Guava's and FastFilter's, JMH (not run by the tests)
  if [ "$FILTER_KEYS" = none ]; then
    stop_application_cache_servers
    trap - EXIT
    return 0
  fi
  # shellcheck disable=SC2086
  java -Xmx8g -Djdk.attach.allowAttachSelf=true -cp benchmarks/target/benchmarks.jar dev.backendpatterns.benchmarks.FilterComparison "$out/filters.json" $FILTER_KEYS \
    | tee "$out/filters.txt"
  # the same queries again, every filter in one JVM in interleaved rounds, ratios taken within each round
  java -Xmx8g -cp benchmarks/target/benchmarks.jar dev.backendpatterns.benchmarks.PairedQueries "$out/filters.json" 20 \
    | tee -a "$out/filters.txt"
  scripts/results.sh table --readme README.md --section application-cache-filters --rows rows \
    --columns "Filter=filter,Keys=keys:n,Bits/key=bits_per_key,Queries/s=query_per_s:n,Adds/s=add_per_s:n,FP rate=false_positive_rate:pct,FP formula=false_positive_rate_expected:pct,Measured / formula=fpr_vs_formula,Memory / (m/8)=memory_vs_m8,vs Guava=query_vs_guava:g,vs FastFilter Bloom=query_vs_fastfilter_bloom:g,vs FastFilter BlockedBloom=query_vs_fastfilter_blocked_bloom:g" \
    "$out/filters.json"
  scripts/results.sh table --readme README.md --section application-cache-filters-paired --rows rows \
    --columns "Filter=filter,Keys=keys:n,Queries/s (median)=paired_query_per_s:n,vs Guava=paired_vs_guava:g,IQR=paired_vs_guava_iqr,vs FastFilter Bloom=paired_vs_fastfilter_bloom:g,IQR=paired_vs_fastfilter_bloom_iqr,vs FastFilter BlockedBloom=paired_vs_fastfilter_blocked_bloom:g,IQR=paired_vs_fastfilter_blocked_bloom_iqr" \
    "$out/filters.json"
  stop_application_cache_servers
  trap - EXIT
}

stop_pubsub_servers() {
  scripts/servers.sh stop redis >/dev/null; scripts/servers.sh stop redis-cluster >/dev/null; scripts/servers.sh stop kafka >/dev/null
}

pubsub() {
  local jar=pubsub/target/pubsub.jar redis cluster kafka
  out=results/pubsub n=0
  fresh_dir "$out"
  trap stop_pubsub_servers EXIT
  # Each broker alone on the machine, its own ceiling (its own tool, the same payload size) measured just before its
  # runs: the idle servers of the other rows took CPU from the client and the server under test.
  redis=$(scripts/servers.sh start redis)
  scripts/ceilings.sh redis "$redis" "$out/00-ceiling-redis.json"
  # the reference's scales: the dashboard with 2,000,000 participants for 20 s on Redis, 200,000 on Kafka;
  # the stock exchange with 2,000 traders for 200 s on Redis, 10 s on Kafka
  # shellcheck disable=SC2086
  run "$jar" dashboard-redis dashboard $redis --participants="$DASHBOARD_PARTICIPANTS" --durations=20 -k=20 --semaphore=65536 --no-ui --seed=1
  # shellcheck disable=SC2086
  run "$jar" exchange-redis stock-exchange $redis --participants=2000 --durations="$EXCHANGE_SECONDS" --no-ui --seed=1
  scripts/servers.sh stop redis >/dev/null
  cluster=$(scripts/servers.sh start redis-cluster)
  # shellcheck disable=SC2086
  run "$jar" dashboard-redis-cluster dashboard $cluster --participants="$DASHBOARD_PARTICIPANTS" --durations=20 -k=20 --semaphore=65536 --no-ui --seed=1 --drain=120
  # shellcheck disable=SC2086
  run "$jar" exchange-redis-cluster stock-exchange $cluster --participants=2000 --durations=20 --no-ui --seed=1
  scripts/servers.sh stop redis-cluster >/dev/null
  kafka=$(scripts/servers.sh start kafka)
  scripts/ceilings.sh kafka "$kafka" "$out/00-ceiling-kafka.json"
  # shellcheck disable=SC2086
  run "$jar" dashboard-kafka dashboard $kafka --participants="$DASHBOARD_KAFKA_PARTICIPANTS" --durations=20 -k=20 --semaphore=100000 --no-ui --seed=1
  # the reference's scale asks Kafka for less than it takes; the Redis scale asks more, so it measures the capacity
  # shellcheck disable=SC2086
  run "$jar" dashboard-kafka-capacity dashboard $kafka --participants="$DASHBOARD_PARTICIPANTS" --durations=20 -k=20 --semaphore=100000 --no-ui --seed=1
  # shellcheck disable=SC2086
  run "$jar" exchange-kafka stock-exchange $kafka --participants=2000 --durations=10 --no-ui --seed=1
  scripts/servers.sh stop kafka >/dev/null
  scripts/results.sh table --readme README.md --section pubsub-dashboard --group-by parameters.broker+backends.0.mode \
    --baseline "pattern=ceiling@published_per_s" \
    --columns "Run=pattern,Broker=parameters.broker,Mode=backends.0.mode,Participants=parameters.participants:n,Published=published:n,Published/s=published_per_s:n,Delivered=delivered:n,Lost=lost:n,Duplicates=duplicates:n,Publish p99 ms=publish_latency_us.p99:ms,End-to-end p99 ms=end_to_end_latency_us.p99:ms,Lag p99 ms=dispatch_lag_us.p99:ms,True top-k=leaderboard.matches_true_top_k" \
    "$out"/00-ceiling-*.json "$out"/*-dashboard-*.json
  scripts/results.sh table --readme README.md --section pubsub-exchange \
    --columns "Broker=parameters.broker,Mode=backends.0.mode,Traders=parameters.participants:n,Seconds=parameters.durations,Orders=orders.published:n,Matched/s=orders_matched_per_s:n,Trades=trades:n,Order p99 ms=orders.end_to_end_latency_us.p99:ms,Price feed p99 ms=price_feed.end_to_end_latency_us.p99:ms,Lost=lost:n,Cash conserved=invariants.cash_conserved,Shares conserved=invariants.shares_conserved,Book never crossed=invariants.book_never_crossed" \
    "$out"/*-exchange-*.json
  scripts/results.sh chart percentiles --out "$out/dashboard-end-to-end.png" --title "Dashboard: publish to subscriber (end to end)" \
    --label parameters.broker+backends.0.mode+parameters.participants --histogram end_to_end_latency "$out"/*-dashboard-*.json
  stop_pubsub_servers
  trap - EXIT
}

stop_streams_servers() {
  scripts/servers.sh stop redis-durable >/dev/null; scripts/servers.sh stop redis-cluster >/dev/null; scripts/servers.sh stop kafka >/dev/null
}

streams() {
  local jar=streams/target/streams.jar redis cluster kafka endpoint broker bits log
  out=results/streams n=0
  fresh_dir "$out"
  redis=$(scripts/servers.sh start redis-durable)
  cluster=$(scripts/servers.sh start redis-cluster)
  kafka=$(scripts/servers.sh start kafka)
  trap stop_streams_servers EXIT
  # hinted handoff: a log of HANDOFF_KEYS keys (10 bits per key, k = 7), then the time to ready of a restart with and
  # without the snapshot, then the reference's second run (every key a hit, no miss); the log is deleted at the end
  bits=$((HANDOFF_KEYS * 10))
  for broker in redis kafka; do
    if [ "$broker" = redis ]; then endpoint=$redis; else endpoint=$kafka; fi
    log=bench-$broker-$(date +%s) # a new log each time: the Kafka of scripts/servers.sh keeps its topics
    # shellcheck disable=SC2086
    run "$jar" "handoff-$broker-1-first" hinted-handoff $endpoint --broker=$broker --name=$log --requests="$HANDOFF_KEYS" \
      --semaphore=1000 --bits=$bits --position=7 --snapshot=30s
    # shellcheck disable=SC2086
    run "$jar" "handoff-$broker-2-replay-full" hinted-handoff $endpoint --broker=$broker --name=$log --bits=$bits \
      --position=7 --replay-only --full-replay
    # shellcheck disable=SC2086
    run "$jar" "handoff-$broker-3-replay-snapshot" hinted-handoff $endpoint --broker=$broker --name=$log --bits=$bits \
      --position=7 --replay-only
    # shellcheck disable=SC2086
    run "$jar" "handoff-$broker-4-second" hinted-handoff $endpoint --broker=$broker --name=$log \
      --requests="$HANDOFF_KEYS" --semaphore=1000 --bits=$bits --position=7 --delete-log
  done
  scripts/results.sh table --readme README.md --section streams-handoff \
    --columns "Broker=parameters.broker,Replay only=parameters.replay_only,Full replay=parameters.full_replay,Queried=queried:n,Misses=misses:n,Appended=appended:n,Replayed=replayed:n,From snapshot=recovery.from_snapshot,Time to ready ms=recovery.time_to_ready_ms:n,Replay/s=recovery.replay_per_s:n,Requests/s=throughput_per_s:n,p99 µs=latency_us.p99:n,Durability=log.durability,Errors=outcomes.error:n0" \
    "$out"/*-handoff-*.json
  # leaky bucket: a burst of LEAKY_PUBLISHERS entries drained at 10,000 entries/s with a fifth left unacknowledged
  for target in "redis|$redis|100|10" "redis-cluster|$cluster|100|10" "kafka|$kafka|10|1"; do
    IFS='|' read -r name endpoint subscribers interval <<<"$target"
    broker=redis; [ "$name" = kafka ] && broker=kafka
    # shellcheck disable=SC2086
    run "$jar" "leaky-$name" leaky-bucket $endpoint --broker=$broker --publishers="$LEAKY_PUBLISHERS" --subscribers=$subscribers \
      --intervalms=$interval --durations=120 --until-drained
  done
  # shellcheck disable=SC2086
  run "$jar" "leaky-redis-crash" leaky-bucket $redis --publishers="$LEAKY_PUBLISHERS" --subscribers=100 --intervalms=10 \
    --durations=120 --until-drained --crash-consumer-after=2s
  # shellcheck disable=SC2086
  run "$jar" "leaky-kafka-crash" leaky-bucket $kafka --broker=kafka --publishers="$LEAKY_PUBLISHERS" --subscribers=10 --intervalms=1 \
    --durations=120 --until-drained --crash-consumer-after=2s
  # shellcheck disable=SC2086
  run "$jar" "leaky-redis-evict" leaky-bucket $redis --publishers="$LEAKY_PUBLISHERS" --subscribers=100 --intervalms=10 \
    --durations=20 --evicted-old-entries=10000
  scripts/results.sh table --readme README.md --section streams-leaky \
    --columns "Broker=parameters.broker,Mode=backends.0.mode,Subscribers=parameters.subscribers,Crash=crash.at_s,Evict at=parameters.evicted_old_entries,Published=published:n,Processed=processed:n,More than once=processed_more_than_once:n,Redeliveries=redeliveries:n,Still pending=still_pending:n,Evicted=evicted:n,Lost=lost:n,Configured/s=drain_rate.configured_per_s:n,Taken/s=drain_rate.taken_per_s:n,First pass/s=drain_rate.first_pass_taken_per_s:n,Most in window=drain_rate.most_taken_in_window:n,Allowed=drain_rate.allowed_in_window:n,Retaken after ms=crash.all_retaken_ms:n,Drain s=elapsed_s:s,E2E p99 ms=end_to_end_latency_us.p99:ms" \
    "$out"/*-leaky-*.json
  scripts/results.sh chart timeline --out "$out/leaky-backlog.png" --title "Leaky bucket: backlog while draining $LEAKY_PUBLISHERS entries" \
    --label parameters.broker+backends.0.mode+crash.at_s+parameters.evicted_old_entries --value backlog --value-label "entries not yet processed" "$out"/*-leaky-*.json
  stop_streams_servers
  trap - EXIT
}

for section in $SECTIONS; do
  case "$section" in
    rate-limiter) rate_limiter ;;
    application-cache) application_cache ;;
    pubsub) pubsub ;;
    streams) streams ;;
    *) echo "unknown section '$section' (known: rate-limiter, application-cache, pubsub, streams)" >&2; exit 2 ;;
  esac
done
echo "README.md tables regenerated from results/"
