package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.cli.BrokerKind;
import dev.backendpatterns.common.cli.DurationConverter;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.cli.KafkaEndpointOptions;
import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Warmup;
import dev.backendpatterns.common.messaging.DeliveryReport;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MessageBits;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.LatencySummary;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.run.PatternResult;
import dev.backendpatterns.common.run.PatternRun;
import dev.backendpatterns.common.run.RunContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streams leaky-bucket}: a burst drained at a fixed rate by a consumer group, with redelivery of what fails. */
@Command(name = "leaky-bucket", aliases = {"leaky_bucket", "leakey_bucket"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Publishers burst one entry each into a Redis Stream (XADD) or a Kafka topic; then a consumer group drains it at a "
                    + "fixed rate, each consumer taking at most one entry per --intervalms, and leaves --nack-ratio of what "
                    + "it takes unacknowledged, to come back (Redis: XCLAIM after --min-idle-ms; Kafka: a retry topic). "
                    + "Reports published, processed, processed more than once, redeliveries, still pending, evicted and lost "
                    + "entries, the drain rate against the configured one, and the backlog over time.",
            "Without an endpoint it starts an embedded Redis (a Redis Cluster with --cluster) or Kafka (3 nodes with --cluster)."})
public final class LeakyBucketCommand implements Callable<Integer> {
    /** The most a Kafka group may take to give every consumer its share before the burst. */
    private static final Duration CONSUMERS_READY = Duration.ofSeconds(60);

    @Option(names = "--broker", paramLabel = "redis|kafka", converter = BrokerKind.Converter.class,
            description = "Redis Streams (default) or Kafka (default: redis, or kafka when --kafka is given).")
    BrokerKind broker;

    @Option(names = {"--publishers", "-publishers"}, defaultValue = "1000", paramLabel = "N",
            description = "Publishers, one entry each, all at once (default: ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = {"--subscribers", "-subscribers"}, defaultValue = "10", paramLabel = "N",
            description = "Consumers of the group (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = {"--intervalms", "-intervalms"}, defaultValue = "1000", paramLabel = "MS",
            description = "Each consumer takes at most one entry per this many milliseconds (default: ${DEFAULT-VALUE}).")
    int intervalMs;

    @Option(names = {"--durations", "-durations"}, defaultValue = "10", paramLabel = "SECONDS",
            description = "Length of the drain in seconds (default: ${DEFAULT-VALUE}).")
    int durations;

    @Option(names = "--until-drained", description = "End the drain as soon as every entry was processed (--durations is then the limit).")
    boolean untilDrained;

    @Option(names = "--nack-ratio", defaultValue = "0.2", paramLabel = "R",
            description = "Share of taken entries left unacknowledged, to come back (default: ${DEFAULT-VALUE}).")
    double nackRatio;

    @Option(names = "--min-idle-ms", defaultValue = "1000", paramLabel = "MS",
            description = "Redis: how long an entry stays pending before another consumer may claim it (default: ${DEFAULT-VALUE}; "
                    + "the reference used 1, which lets a consumer claim an entry another is still processing).")
    long minIdleMs;

    @Option(names = {"--evicted-old-entries", "-evicted_old_entries"}, defaultValue = "0", paramLabel = "N",
            description = "Redis: trim the stream to about N entries on every XADD (MAXLEN ~ N), which may evict entries nobody "
                    + "read; 0 (default) never trims.")
    long maxLength;

    @Option(names = "--crash-consumer-after", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Consumer 0 reads one entry at this point of the drain (or once it has taken its first, if later) and stops "
                    + "for good without acknowledging it; "
                    + "reports how long until the other consumers took what it held.")
    Duration crashAfter;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Kafka: partitions of the topic and of its retry topic (default: --subscribers; with --share-group 1, "
                    + "which every consumer shares, so that a hung consumer holds only the records it acquired).")
    Integer partitions;

    @Option(names = "--consumer-timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Kafka: max.poll.interval.ms, after which the group moves a hung consumer's partitions (default: ${DEFAULT-VALUE}).")
    Duration consumerTimeout;

    @Option(names = "--share-group",
            description = "Kafka: drain through a share group (KIP-932: per-record acknowledgement, release and delivery count) "
                    + "instead of a classic group with a retry topic.")
    boolean shareGroup;

    @Option(names = "--lock-duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Kafka share group: share.record.lock.duration.ms, how long a consumer holds a record it acquired "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration lockDuration;

    @Option(names = {"--semaphore", "-semaphore"}, defaultValue = "10000", paramLabel = "N",
            description = "Most publishes in flight (default: ${DEFAULT-VALUE}).")
    int semaphore;

    @Option(names = "--keep", description = "Keep the stream or topics at the end (they are deleted by default).")
    boolean keep;

    @Mixin
    OutputOptions output;

    @Mixin
    RedisEndpointOptions redis;

    @Mixin
    KafkaEndpointOptions kafka;

    @Mixin
    ServerOptions servers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        broker = BrokerKind.resolve(broker, redis, kafka);
        UsageException.require(publishers >= 1, "--publishers must be at least 1, was " + publishers);
        UsageException.require(subscribers >= 1 && subscribers <= 1000, "--subscribers must be between 1 and 1000, was " + subscribers);
        UsageException.require(intervalMs >= 1, "--intervalms must be at least 1, was " + intervalMs);
        UsageException.require(durations >= 1, "--durations must be at least 1 second, was " + durations);
        UsageException.require(nackRatio >= 0 && nackRatio < 1, "--nack-ratio must be at least 0 and below 1, was " + nackRatio);
        UsageException.require(minIdleMs >= 1, "--min-idle-ms must be at least 1, was " + minIdleMs);
        UsageException.require(maxLength >= 0, "--evicted-old-entries must not be negative, was " + maxLength);
        UsageException.require(semaphore >= 1, "--semaphore must be positive, was " + semaphore);
        UsageException.require(crashAfter == null || crashAfter.toSeconds() < durations,
                "--crash-consumer-after must come before the end of the drain (--durations " + durations + ")");
        UsageException.require(crashAfter == null || subscribers >= 2, "--crash-consumer-after needs a second consumer to take over");
        UsageException.require(broker == BrokerKind.REDIS || maxLength == 0, "--evicted-old-entries is for Redis only");
        UsageException.require(broker == BrokerKind.KAFKA || partitions == null, "--partitions is for Kafka only");
        UsageException.require(broker == BrokerKind.KAFKA || !shareGroup, "--share-group is for Kafka only");
        UsageException.require(lockDuration.toMillis() >= 1000, "--lock-duration must be at least 1s, was " + lockDuration);
        UsageException.require(partitions == null || partitions >= 1 && partitions <= 1000, "--partitions must be between 1 and 1000, was " + partitions);
        UsageException.require(consumerTimeout.toMillis() >= 1000 && consumerTimeout.toMillis() <= Integer.MAX_VALUE,
                "--consumer-timeout must be at least 1s, was " + consumerTimeout);
        int inFlight = broker == BrokerKind.REDIS ? Math.min(semaphore, RedisTarget.REQUEST_QUEUE_SIZE) : semaphore;
        int kafkaPartitions = partitions != null ? partitions : shareGroup ? 1 : subscribers;
        if (maxLength > 0) {
            System.err.printf(Locale.ROOT, "leaky-bucket: MAXLEN ~ %,d may evict entries nobody read; they are counted as evicted and lost%n",
                    maxLength);
        }
        String run = Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
        Duration requestTimeout = Duration.ofMillis(Math.max(5_000, servers.timeout().toMillis()));

        return PatternRun.execute("leaky-bucket", spec.commandLine().getParseResult().originalArgs(), output, context -> {
            DrainQueue drainQueue;
            if (broker == BrokerKind.REDIS) {
                RedisTarget target = context.use(RedisTarget.open(redis, servers, System.err));
                drainQueue = new RedisDrainQueue(target, run, subscribers, maxLength, Duration.ofMillis(minIdleMs));
            } else {
                KafkaTarget target = context.use(KafkaTarget.open(kafka, servers, System.err));
                Duration pollLimit = Duration.ofMillis(Math.max(1, Math.min(200, intervalMs / 2)));
                drainQueue = shareGroup
                        ? new ShareDrainQueue(target, run, subscribers, kafkaPartitions, inFlight, pollLimit,
                                Duration.ofMillis(intervalMs), lockDuration)
                        : new KafkaDrainQueue(target, run, subscribers, kafkaPartitions, inFlight, pollLimit, consumerTimeout);
                try {
                    drainQueue.awaitConsumers(CONSUMERS_READY);
                } catch (RuntimeException e) {
                    drainQueue.close();
                    drainQueue.delete();
                    throw e;
                }
            }
            try (DrainQueue queue = drainQueue) {
                try {
                    return drain(context, queue, inFlight, requestTimeout, kafkaPartitions);
                } finally {
                    if (!keep) {
                        queue.close();
                        queue.delete();
                    }
                }
            }
        });
    }

    private PatternResult drain(RunContext context, DrainQueue queue, int inFlight,
            Duration requestTimeout, int kafkaPartitions) {
        DeliveryTracker tracker = new DeliveryTracker(1, false);
        Publish publish = new Publish(queue, tracker);
        Measurement burst = context.runner(requestTimeout, List.of()).run(publish, LoadPlan.ofRequests(publishers, inFlight));
        Drain drain = new Drain(queue, tracker, burst.sent(), subscribers, Duration.ofMillis(intervalMs).toNanos(), nackRatio,
                crashAfter == null ? -1 : crashAfter.toNanos(), untilDrained);
        LoadPlan plan = new LoadPlan(0, Duration.ofSeconds(durations), 2 * subscribers, 0, Warmup.NONE).withSchedule(drain);
        Measurement m = context.run(context.runner(requestTimeout, drain.gauges()), drain, drain, plan);
        DeliveryReport delivery = tracker.report();

        MessageBits present = new MessageBits();
        queue.remaining(present::add);
        MessageBits processed = drain.processed();
        long stillPending = 0;
        long evicted = 0;
        long lost = 0;
        for (long i = 0; i < burst.sent(); i++) {
            if (!tracker.isAcknowledged(i)) { // the stamp's index is the entry's sequence
                continue;
            }
            boolean there = present.contains(i);
            if (!there) {
                evicted++;
            }
            if (!processed.contains(i)) {
                if (there) {
                    stillPending++;
                } else {
                    lost++;
                }
            }
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("redelivery", queue.redelivery());
        if (!queue.failures().isEmpty()) {
            figures.put("recovered_failures", new TreeMap<>(queue.failures()));
        }
        figures.put("published", delivery.published());
        figures.put("acknowledged", delivery.acknowledged());
        figures.put("publish_failed", delivery.publishFailed());
        figures.put("unconfirmed", delivery.unconfirmed());
        if (!delivery.publishErrors().isEmpty()) {
            figures.put("publish_errors", delivery.publishErrors());
        }
        figures.put("publish_per_s", Math.round(burst.throughputPerSecond()));
        figures.put("processed", delivery.delivered());
        figures.put("processed_more_than_once", delivery.duplicates());
        figures.put("deliveries", drain.deliveries());
        figures.put("redeliveries", drain.redeliveries());
        figures.put("nacked", drain.nacked());
        figures.put("still_pending", stillPending);
        figures.put("evicted", evicted);
        figures.put("lost", lost);
        figures.put("malformed", delivery.malformed());
        figures.put("drain_rate", drain.rate(m.elapsedSeconds(), delivery.delivered()));
        Map<String, Object> crash = drain.crash();
        if (crash != null) {
            figures.put("crash", crash);
        }
        figures.put("publish_latency_us", LatencySummary.of(delivery.publishLatencyMicros()));
        figures.put("end_to_end_latency_us", LatencySummary.of(delivery.endToEndLatencyMicros()));

        List<String> problems = new ArrayList<>();
        if (lost > 0 && maxLength == 0) {
            problems.add(lost + " acknowledged entries were lost without eviction");
        }
        if (crash != null && crash.get("happened") == Boolean.FALSE) {
            problems.add("--crash-consumer-after was given but no consumer crashed: " + crash.get("why_not"));
        }
        if (drain.rateExceeded()) {
            problems.add("the drain took more entries in a window than the rate allows: " + drain.rate(0, 0));
        }
        return new PatternResult(parameters(inFlight, kafkaPartitions), m, figures, delivery.histograms(), problems);
    }

    private Parameters parameters(int inFlight, int kafkaPartitions) {
        Parameters p = new Parameters();
        p.put("--broker", "broker", broker.id());
        p.put("--publishers", "publishers", publishers);
        p.put("--subscribers", "subscribers", subscribers);
        p.put("--intervalms", "intervalms", intervalMs);
        p.put("--durations", "durations", durations);
        p.put("--until-drained", "until_drained", untilDrained);
        p.put("--nack-ratio", "nack_ratio", nackRatio);
        p.put("--semaphore", "semaphore", inFlight);
        if (broker == BrokerKind.REDIS) {
            p.put("--min-idle-ms", "min_idle_ms", minIdleMs);
            p.put("--evicted-old-entries", "evicted_old_entries", maxLength);
        } else {
            p.put("--partitions", "partitions", kafkaPartitions);
            p.put("--share-group", "share_group", shareGroup);
            if (shareGroup) {
                p.put("--lock-duration", "lock_duration_s", lockDuration.toMillis() / 1000.0);
            } else {
                p.put("--consumer-timeout", "consumer_timeout_s", consumerTimeout.toMillis() / 1000.0);
            }
        }
        p.put("--crash-consumer-after", "crash_consumer_after_s", crashAfter == null ? null : crashAfter.toMillis() / 1000.0);
        return p;
    }
}
