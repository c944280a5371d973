#!/usr/bin/env bash
# The results tool: README tables from result files, merges of results from several client machines, charts.
#
#   scripts/results.sh table --section NAME --columns "Mode=backends.0.mode,Requests/s=throughput_per_s:n" results/x/*.json
#   scripts/results.sh merge --out merged.json client-1.json client-2.json client-3.json
#   scripts/results.sh chart throughput --out t.png --title "..." --label parameters.algorithm results/x/*.json
#   scripts/results.sh chart percentiles --out p.png --title "..." --label parameters.algorithm results/x/*.json
#
# Needs any module's runnable jar (./mvnw -B -q package -DskipTests): each carries the tool.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls rate-limiter/target/rate-limiter.jar application-cache/target/application-cache.jar pubsub/target/pubsub.jar \
  streams/target/streams.jar 2>/dev/null | head -n 1 || true)
[ -n "$jar" ] || { echo "results.sh: no runnable jar; build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }
exec java -cp "$jar" dev.backendpatterns.common.results.ResultsCommand "$@"
