package dev.backendpatterns.ratelimiter.peers;

import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.ratelimiter.Decision;
import dev.backendpatterns.ratelimiter.KeySpace;
import dev.backendpatterns.ratelimiter.Limits;
import dev.backendpatterns.ratelimiter.RateLimiter;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The peer for bucket algorithms: Bucket4j's compare-and-swap proxy on the same Lettuce connection (GET, then a
 * CAS script, per decision), configured as our token bucket: {@code bucketSize} capacity, greedy refill at
 * {@code refillRate} per second, keys expiring once full again. Used as its documentation shows.
 */
public final class Bucket4jRateLimiter implements RateLimiter {
    private final KeySpace keys;
    private final AsyncProxyManager<byte[]> proxies;
    private final BucketConfiguration configuration;
    private final RedisConnection connection;

    @SuppressWarnings("unchecked")
    public Bucket4jRateLimiter(RedisConnection connection, boolean cluster, KeySpace keys, Limits limits) {
        this.keys = keys;
        this.connection = connection;
        ExpirationAfterWriteStrategy expiry = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1));
        this.proxies = cluster
                ? Bucket4jLettuce.casBasedBuilder((StatefulRedisClusterConnection<byte[], byte[]>) connection.stateful())
                        .expirationAfterWrite(expiry).build().asAsync()
                : Bucket4jLettuce.casBasedBuilder((StatefulRedisConnection<byte[], byte[]>) connection.stateful())
                        .expirationAfterWrite(expiry).build().asAsync();
        long nanosPerToken = Math.max(1, Math.round(1e9 / limits.refillRate()));
        this.configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(limits.bucketSize()).refillGreedy(1, Duration.ofNanos(nanosPerToken)))
                .build();
    }

    @Override
    public CompletionStage<Long> acquire(int key, long requestId) {
        return proxies.builder().build(keys.bytes(key), configuration).tryConsumeAndReturnRemaining(1)
                .thenApply(probe -> probe.isConsumed()
                        ? Decision.allow(probe.getRemainingTokens())
                        : Decision.throttle(TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill() + 999_999)));
    }

    @Override
    public long deleteState() {
        return keys.unlinkAll(connection);
    }

    @Override
    public void close() {
        // the connection belongs to the RedisTarget
    }
}
