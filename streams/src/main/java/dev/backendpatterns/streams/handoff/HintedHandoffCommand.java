package dev.backendpatterns.streams.handoff;

import dev.backendpatterns.common.cli.BrokerKind;
import dev.backendpatterns.common.cli.DurationConverter;
import dev.backendpatterns.common.cli.FlagDefaults;
import dev.backendpatterns.common.cli.LoadOptions;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.cli.KafkaEndpointOptions;
import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Warmup;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.run.PatternResult;
import dev.backendpatterns.common.run.PatternRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streams hinted-handoff}: a Bloom filter that survives restarts by replaying its durable log. */
@Command(name = "hinted-handoff", aliases = "hinted_handoff", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = HintedHandoffCommand.Defaults.class,
        description = {
            "A Bloom filter whose every new key is first appended to a durable log (Redis Streams XADD, Kafka produce with "
                    + "acks=all), and which rebuilds itself at start by replaying the log (from a snapshot's position with "
                    + "--snapshot). Queries keys \"0\" .. requests-1: a second run with the same arguments has no miss.",
            "Without an endpoint it starts an embedded Redis with appendonly yes and appendfsync always (a Redis Cluster with "
                    + "--cluster) or Kafka. To keep the log between runs, give an endpoint (scripts/servers.sh start redis)."})
public final class HintedHandoffCommand implements Callable<Integer> {
    /** The reference's defaults: 10,000 requests, 1,000 in flight. */
    static final class Defaults extends FlagDefaults {
        Defaults() {
            super(Map.of("--requests", "10000", "--semaphore", "1000", "--warmup", "0"));
        }
    }

    @Option(names = "--broker", paramLabel = "redis|kafka", converter = BrokerKind.Converter.class,
            description = "Redis Streams (default) or Kafka (default: redis, or kafka when --kafka is given).")
    BrokerKind broker;

    @Option(names = {"--bits", "-bits"}, defaultValue = "1000000", paramLabel = "M", description = "Bits of the filter (default: ${DEFAULT-VALUE}).")
    long bits;

    @Option(names = {"--position", "-position"}, defaultValue = "6", paramLabel = "K",
            description = "Bit positions per key (default: ${DEFAULT-VALUE}).")
    int position;

    @Option(names = "--name", defaultValue = "default", paramLabel = "NAME",
            description = "The log's name: runs of one name share a log (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--shards", paramLabel = "N",
            description = "Streams (Redis) or partitions (Kafka) of the log (default: 1, or 3 on a cluster).")
    Integer shards;

    @Option(names = "--wait", defaultValue = "0", paramLabel = "REPLICAS",
            description = "On a Redis Cluster, the replicas each append waits for with WAIT (default: ${DEFAULT-VALUE}).")
    int waitReplicas;

    @Option(names = "--snapshot", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Store the filter's bits with the log position they cover this often and at the end, so that a "
                    + "restart loads them and replays only the tail.")
    Duration snapshotEvery;

    @Option(names = "--full-replay", description = "Ignore a stored snapshot and replay the whole log.")
    boolean fullReplay;

    @Option(names = "--replay-only", description = "Rebuild the filter, report the time to ready, and send no request.")
    boolean replayOnly;

    @Option(names = "--delete-log", description = "Delete the log and its snapshot at the end.")
    boolean deleteLog;

    @Option(names = "--acked-log", paramLabel = "FILE", description = "For crash tests: write every acknowledged key to FILE at once.")
    Path ackedLog;

    @Mixin
    LoadOptions load;

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
        LoadPlan requested = load.plan();
        UsageException.require(!requested.timed(), "hinted-handoff queries keys 0 .. --requests - 1: give --requests, not --duration");
        UsageException.require(position >= 1 && position <= 64, "--position must be between 1 and 64, was " + position);
        UsageException.require(bits >= 64, "--bits must be at least 64, was " + bits);
        UsageException.require(bits / 8 < Runtime.getRuntime().maxMemory() * 0.4, String.format(Locale.ROOT,
                "--bits %,d needs %,d MiB but this JVM may use %,d MiB at most (raise -Xmx)", bits, bits >> 23, Runtime.getRuntime().maxMemory() >> 20));
        UsageException.require(name.matches("[A-Za-z0-9_.-]{1,64}"), "--name takes letters, digits, _ . - (at most 64), was '" + name + "'");
        UsageException.require(shards == null || shards >= 1 && shards <= 64, "--shards must be between 1 and 64, was " + shards);
        UsageException.require(waitReplicas >= 0, "--wait must not be negative, was " + waitReplicas);
        UsageException.require(waitReplicas == 0 || broker == BrokerKind.REDIS, "--wait is for a Redis Cluster (Kafka appends use acks=all)");
        UsageException.require(snapshotEvery == null || !replayOnly, "--snapshot stores snapshots while requests run; --replay-only sends none");
        UsageException.require(snapshotEvery == null || snapshotEvery.toMillis() >= 1, "--snapshot must be positive, was " + snapshotEvery);
        LoadPlan plan = requested.withWarmup(Warmup.NONE);

        return PatternRun.execute("hinted-handoff", spec.commandLine().getParseResult().originalArgs(), output, context -> {
            HintLog log;
            if (broker == BrokerKind.REDIS) {
                RedisTarget target = context.use(RedisTarget.open(redis, servers, System.err,
                        List.of("--appendonly", "yes", "--appendfsync", "always")));
                UsageException.require(waitReplicas == 0 || target.cluster(), "--wait is for a Redis Cluster; this Redis is a single instance");
                int n = shards != null ? shards : target.cluster() ? 3 : 1;
                log = new RedisHintLog(target, name, n, target.cluster() ? waitReplicas : 0, Math.max(1000, servers.timeout().toMillis()));
            } else {
                KafkaTarget target = context.use(KafkaTarget.open(kafka, servers, System.err));
                int n = shards != null ? shards : target.cluster() ? 3 : 1;
                log = new KafkaHintLog(target, name, n, Math.min(plan.inFlight(), 100_000));
            }
            try (HintLog l = log) {
                String durability = l.durability();
                if (durability == null) {
                    System.err.println("hinted-handoff: the server keeps no append-only file: an acknowledged key may be lost in a crash");
                }
                Recovery recovery = Recovery.of(l, bits, position, !fullReplay);
                HintedHandoff handoff = new HintedHandoff(recovery.filter(), l, ackedLog);
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("log", Map.of("broker", broker.id(), "name", name, "shards", l.shards(),
                        "durability", durability == null ? "none" : durability));
                figures.put("recovery", recovery.figures());
                figures.put("replayed", recovery.replayed());
                Measurement m;
                ScheduledExecutorService snapshots = snapshotEvery == null ? null : Executors.newSingleThreadScheduledExecutor();
                try {
                    if (snapshots != null) {
                        long every = snapshotEvery.toMillis();
                        snapshots.scheduleWithFixedDelay(() -> snapshot(l, handoff), every, every, TimeUnit.MILLISECONDS);
                    }
                    m = replayOnly ? Measurement.of(0, Map.of(), Map.of(), new Histogram(3), recovery.readyNanos())
                            : context.run(context.runner(Duration.ofMillis(Math.max(5_000, servers.timeout().toMillis())), List.of()),
                                    handoff, handoff, plan);
                } finally {
                    if (snapshots != null) {
                        snapshots.shutdown();
                        snapshots.awaitTermination(60, TimeUnit.SECONDS);
                    }
                    handoff.close();
                }
                if (snapshotEvery != null && !replayOnly) {
                    figures.put("snapshot_bytes", snapshot(l, handoff));
                }
                figures.put("queried", m.sent());
                figures.put("misses", m.sent() - m.outcome(HintedHandoff.HIT));
                figures.put("appended", m.outcome(HintedHandoff.APPENDED));
                if (deleteLog) {
                    l.delete();
                }
                return PatternResult.of(parameters(plan, l.shards()), m, figures);
            }
        });
    }

    private static long snapshot(HintLog log, HintedHandoff handoff) {
        List<String> covered = log.covered(); // first the position, then the bits: the bits hold at least what it covers
        return log.storeSnapshot(Snapshot.of(handoff.filter(), covered).toBytes());
    }

    private Parameters parameters(LoadPlan plan, int logShards) {
        Parameters p = new Parameters();
        p.put("--broker", "broker", broker.id());
        p.put("--requests", "requests", plan.requests());
        p.put("--semaphore", "semaphore", plan.inFlight());
        p.put("--bits", "bits", bits);
        p.put("--position", "position", position);
        p.put("--name", "name", name);
        p.put("--shards", "shards", logShards);
        p.put("--wait", "wait", waitReplicas);
        p.put("--snapshot", "snapshot_s", snapshotEvery == null ? null : snapshotEvery.toMillis() / 1000.0);
        p.put("--full-replay", "full_replay", fullReplay);
        p.put("--replay-only", "replay_only", replayOnly);
        return p;
    }
}
