package dev.backendpatterns.ratelimiter.peers;

import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.ratelimiter.Decision;
import dev.backendpatterns.ratelimiter.KeySpace;
import dev.backendpatterns.ratelimiter.Limits;
import dev.backendpatterns.ratelimiter.RateLimiter;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The peer for window algorithms: Redisson's {@code RRateLimiter} ({@code threshold} permits per {@code ttlms}) on
 * Redisson's own client, configured as its documentation shows.
 * Redisson reports no remaining count or retry-after, so allowed decisions carry 0 remaining and throttled ones 0 ms.
 */
public final class RedissonRateLimiter implements RateLimiter {
    private final KeySpace keys;
    private final Limits limits;
    private final RedissonClient client;
    private final RRateLimiter[] limiters;
    private final CompletableFuture<?>[] configured;

    public RedissonRateLimiter(RedisTarget target, KeySpace keys, Limits limits) {
        this.keys = keys;
        this.limits = limits;
        Config config = new Config();
        List<RedisURI> uris = target.uris();
        if (target.cluster()) {
            var cluster = config.useClusterServers();
            uris.forEach(u -> cluster.addNodeAddress(address(u)));
            credentials(uris.get(0), cluster::setUsername, cluster::setPassword);
            cluster.setTimeout((int) target.timeout().toMillis());
        } else {
            var single = config.useSingleServer().setAddress(address(uris.get(0)));
            credentials(uris.get(0), single::setUsername, single::setPassword);
            single.setTimeout((int) target.timeout().toMillis());
        }
        this.client = Redisson.create(config);
        this.limiters = new RRateLimiter[keys.size()];
        this.configured = new CompletableFuture<?>[keys.size()];
    }

    private static String address(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
    }

    private static void credentials(RedisURI uri, Consumer<String> user, Consumer<String> password) {
        if (uri.getCredentialsProvider() == null) {
            return;
        }
        RedisCredentials c = uri.getCredentialsProvider().resolveCredentials().block();
        if (c != null && c.getUsername() != null) {
            user.accept(c.getUsername());
        }
        if (c != null && c.getPassword() != null) {
            password.accept(new String(c.getPassword()));
        }
    }

    @Override
    public CompletionStage<Long> acquire(int key, long requestId) {
        RRateLimiter limiter = limiters[key];
        if (limiter == null) {
            limiter = client.getRateLimiter(keys.name(key));
            limiters[key] = limiter;
            Duration window = Duration.ofMillis(limits.windowMillis());
            // every request of this key waits for the rate to be set, or Redisson answers "not initialized"
            // no keep-alive: Redisson would drop an idle limiter's rate and then answer "not initialized";
            // the run deletes what it created when it ends
            configured[key] = limiter.trySetRateAsync(RateType.OVERALL, limits.threshold(), window).toCompletableFuture();
        }
        RRateLimiter chosen = limiter;
        CompletableFuture<?> ready = configured[key];
        CompletionStage<Boolean> acquired = ready.isDone() && !ready.isCompletedExceptionally()
                ? chosen.tryAcquireAsync(1)
                : ready.thenCompose(ignored -> chosen.tryAcquireAsync(1));
        return acquired.thenApply(ok -> ok ? Decision.allow(0) : Decision.throttle(0));
    }

    @Override
    public long deleteState() {
        long deleted = 0;
        for (int i = 0; i < keys.size(); i++) {
            if (limiters[i] != null && limiters[i].delete()) {
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
