#!/usr/bin/env bash
# Reproduces the benchmark tables and charts of README.md: runs every benchmark, writes one JSON result per run under
# results/, then regenerates the README's tables and the charts (PNG, next to the results) from those files, never by
# hand. scripts/results.sh is the tool that reads them.
#
#   scripts/bench-all.sh                 # every section
#   scripts/bench-all.sh rate-limiter    # one section
#
# Environment: REQUESTS (default 10000000) per standalone run; CLUSTER_REQUESTS (default 2000000) per cluster run
# (six Redis processes and the client share the machine); PEER_DURATION (default 60s) per run of the slower peers
# (Bucket4j, Redisson), which are timed rather than counted; SEMAPHORE (default 256) requests in flight; KEYS
# (default 10000) identities in the many-key runs; EXTRA_FLAGS, e.g. "--redis=redis://host:6379" to measure an
# external server instead of the embedded one.
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
SECTIONS=${*:-rate-limiter}
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
  run "$jar" single-1-token_bucket-per-request --algorithm=token_bucket --no-coalesce --requests="$REQUESTS" --semaphore="$SEMAPHORE"
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
  scripts/results.sh table --readme README.md --section rate-limiter \
    --baseline parameters.algorithm=noop --group-by backends.0.mode+parameters.keys \
    --columns "Mode=backends.0.mode,Keys=parameters.keys,Algorithm=parameters.algorithm,Coalesced=parameters.coalesce,Requests=requests:n,Requests/s=throughput_per_s:n,p50 µs=latency_us.p50:n,p99 µs=latency_us.p99:n,p99.9 µs=latency_us.p999:n,Errors=outcomes.error:n0,Timeouts=outcomes.timeout:n0,Allowed=outcomes.allowed:n,Redis RSS MiB=memory.server_after.rss_bytes:mib,Client heap MiB=memory.client_heap_peak_bytes:mib" \
    "$out"/[0-9]*.json
  scripts/results.sh chart throughput --out "$out/throughput.png" --title "Rate limiter: decisions per second" \
    --label parameters.algorithm --series backends.0.mode+parameters.keys --value-label "decisions per second" \
    $(ls "$out"/[0-9]*.json | grep -v per-request)
  scripts/results.sh chart percentiles --out "$out/latency-hot-key.png" \
    --title "Rate limiter, one hot key, standalone: latency by percentile" --label parameters.algorithm \
    "$out"/0[1-6]-single-1-*.json
  scripts/results.sh chart percentiles --out "$out/latency-cluster.png" \
    --title "Rate limiter, 10,000 keys, Redis Cluster: latency by percentile" --label parameters.algorithm \
    "$out"/*-cluster-keys-*.json
  java -jar "$jar" accuracy --json "$out/accuracy.json" $EXTRA_FLAGS | tee "$out/accuracy.txt"
  scripts/results.sh table --readme README.md --section rate-limiter-accuracy --rows results \
    --columns "Algorithm=algorithm,Pattern=pattern,Arrivals=arrivals:n,Admitted=admitted:n,Most in any window=max_in_any_window:n,Limit=limit_per_window:n,Overshoot=overshoot" \
    "$out/accuracy.json"
}

for section in $SECTIONS; do
  case "$section" in
    rate-limiter) rate_limiter ;;
    *) echo "unknown section '$section' (known: rate-limiter)" >&2; exit 2 ;;
  esac
done
echo "README.md tables regenerated from results/"
