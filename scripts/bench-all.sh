#!/usr/bin/env bash
# Reproduces the benchmark tables of README.md: runs every benchmark, writes one JSON result per run under
# results/, then regenerates the README's tables from those files (never by hand).
#
#   scripts/bench-all.sh                 # every section
#   scripts/bench-all.sh rate-limiter    # one section
#
# Environment: REQUESTS (default 10000000) per run of our algorithms; PEER_REQUESTS (default 1000000) for the
# slower peers (Bucket4j, Redisson); SEMAPHORE (default 256) requests in flight; CLUSTER_KEYS (default 10000)
# identities in cluster mode; EXTRA_FLAGS, e.g. "--redis=redis://host:6379" to measure an external server.
# Runs against the embedded servers unless EXTRA_FLAGS names one. Needs only a JDK: the build uses ./mvnw.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-10000000}
PEER_REQUESTS=${PEER_REQUESTS:-1000000}
SEMAPHORE=${SEMAPHORE:-256}
CLUSTER_KEYS=${CLUSTER_KEYS:-10000}
EXTRA_FLAGS=${EXTRA_FLAGS:-}
SECTIONS=${*:-rate-limiter}

./mvnw -B -q package -DskipTests

run() { # run JAR JSON ARGS...: one benchmark, its summary on stdout; a run with failed requests stops the script
  local jar=$1 json=$2; shift 2
  echo "== $(basename "$json" .json): $*"
  # shellcheck disable=SC2086
  java -jar "$jar" "$@" $EXTRA_FLAGS --no-progress --json "$json"
}

rate_limiter() {
  local jar=rate-limiter/target/rate-limiter.jar out=results/rate-limiter
  rm -rf "$out" && mkdir -p "$out"
  local n=0
  for mode in single cluster; do
    local flags=""
    [ "$mode" = cluster ] && flags="--cluster --keys=$CLUSTER_KEYS"
    for algorithm in noop token_bucket gcra sliding_window_log sliding_window_counter fixed_window; do
      n=$((n + 1))
      # shellcheck disable=SC2086
      run "$jar" "$out/$(printf %02d $n)-$mode-$algorithm.json" --algorithm=$algorithm --requests="$REQUESTS" --semaphore="$SEMAPHORE" $flags
    done
    n=$((n + 1))
    # shellcheck disable=SC2086
    run "$jar" "$out/$(printf %02d $n)-$mode-token_bucket-per-request.json" --algorithm=token_bucket --no-coalesce --requests="$REQUESTS" --semaphore="$SEMAPHORE" $flags
    for peer in bucket4j redisson; do
      n=$((n + 1))
      # shellcheck disable=SC2086
      run "$jar" "$out/$(printf %02d $n)-$mode-$peer.json" --algorithm=$peer --requests="$PEER_REQUESTS" --semaphore="$SEMAPHORE" $flags
    done
  done
  java -cp "$jar" dev.backendpatterns.common.report.ResultsTable --readme README.md --section rate-limiter \
    --baseline parameters.algorithm=noop --group-by backend.mode \
    --columns "Mode=backend.mode,Keys=parameters.keys,Algorithm=parameters.algorithm,Coalesced=parameters.coalesce,Requests=requests:n,Requests/s=throughput_per_s:n,p50 µs=latency_us.p50:n,p99 µs=latency_us.p99:n,p99.9 µs=latency_us.p999:n,Errors=outcomes.error:n,Allowed=outcomes.allowed:n,Redis RSS MiB=memory.server_after.rss_bytes:mib,Client heap MiB=memory.client_heap_peak_bytes:mib" \
    "$out"/*.json
  java -jar "$jar" accuracy --json "$out/accuracy.json" $EXTRA_FLAGS | tee "$out/accuracy.txt"
  java -cp "$jar" dev.backendpatterns.common.report.ResultsTable --readme README.md --section rate-limiter-accuracy --rows results \
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
