package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.ratelimiter.peers.Bucket4jRateLimiter;
import dev.backendpatterns.ratelimiter.peers.RedissonRateLimiter;

/** Builds the {@link RateLimiter} of an algorithm. */
final class RateLimiters {
    private RateLimiters() {
    }

    static RateLimiter create(Algorithm algorithm, Limits limits, KeySpace keys, RedisTarget target,
            RedisConnection connection, String runTag, boolean coalesce, int batchKeys, boolean crossSlot) {
        return switch (algorithm) {
            case BUCKET4J -> new Bucket4jRateLimiter(connection, target.cluster(), keys, limits);
            case REDISSON -> new RedissonRateLimiter(target, keys, limits);
            default -> new LuaRateLimiter(algorithm, limits, keys, connection, runTag, coalesce, batchKeys, crossSlot, -1);
        };
    }
}
