package dev.backendpatterns.common.redis;

import dev.backendpatterns.common.cli.UsageException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A failover on purpose: SIGKILL of the master of an embedded Redis Cluster that holds one key, once, a given time after
 * {@link #arm()}. Its replica is promoted after the cluster's node timeout; what a run does meanwhile (errors, and what
 * the promoted replica had not received yet) is what the run measures. Only embedded clusters: killing someone else's
 * server is not a benchmark's business.
 */
public final class MasterKill implements AutoCloseable {
    private final RedisTarget target;
    private final String key;
    private final Duration after;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile long armedAtNanos;
    private volatile long killedAtNanos;
    private volatile String killedNode;
    private volatile String failure;

    public MasterKill(RedisTarget target, String key, Duration after) {
        if (target.embeddedCluster() == null) {
            throw new UsageException("--kill-master-after needs the embedded Redis Cluster (--cluster without --redis-cluster)");
        }
        if (after.isNegative() || after.isZero()) {
            throw new UsageException("--kill-master-after must be positive, was " + after);
        }
        this.target = target;
        this.key = key;
        this.after = after;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "master-kill");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the clock (the first call only): the master dies {@code after} from now. */
    public void arm() {
        if (armed.compareAndSet(false, true)) {
            armedAtNanos = System.nanoTime();
            timer.schedule(this::kill, after.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void kill() {
        try {
            String owner = masterOf(key);
            for (EmbeddedRedis node : target.embeddedCluster().nodes()) {
                if (owner.endsWith(":" + node.port())) {
                    node.kill();
                    killedAtNanos = System.nanoTime();
                    killedNode = owner;
                    return;
                }
            }
            failure = "no embedded node at " + owner;
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
    }

    /** The master that answers for {@code key}: the others answer MOVED. */
    private String masterOf(String key) {
        for (Map.Entry<String, RedisClusterCommands<String, String>> master : target.nodes(true).entrySet()) {
            try {
                master.getValue().exists(key);
                return master.getKey();
            } catch (RedisCommandExecutionException e) {
                // MOVED: another master's slot
            }
        }
        throw new IllegalStateException("no master answers for " + key);
    }

    /** When the master was killed, in seconds after {@link #arm()}; negative if it was not (yet). */
    public double killedAtSeconds() {
        return killedNode == null ? -1 : (killedAtNanos - armedAtNanos) / 1e9;
    }

    /** Seconds after {@link #arm()} of {@code nanos} (a {@link System#nanoTime()} reading). */
    public double secondsAfterArm(long nanos) {
        return (nanos - armedAtNanos) / 1e9;
    }

    /** {@code host:port} of the killed master, or null. */
    public String killedNode() {
        return killedNode;
    }

    /** Why the kill did not happen, or null. */
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
