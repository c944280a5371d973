package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.redis.RedisConnection;
import io.lettuce.core.RedisFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The identities a run limits: {@code size} keys named {@code <prefix><tag>:{<i>}}. The run tag keeps runs
 * against one server apart; the hash tag puts each identity's state in one cluster slot while spreading the
 * identities over every slot. Names of up to a million keys are encoded once and kept.
 */
public final class KeySpace {
    public static final String PREFIX = "bp:rl:";
    private static final int CACHE_LIMIT = 1 << 20;

    private final String base;
    private final int size;
    private final byte[][] cache;

    public KeySpace(String tag, int size) {
        if (tag == null || tag.isEmpty() || tag.contains("{") || tag.contains("}")) {
            throw new IllegalArgumentException("tag must be non-empty, without braces: " + tag);
        }
        if (size < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, was " + size);
        }
        this.base = PREFIX + tag + ":{";
        this.size = size;
        this.cache = size <= CACHE_LIMIT ? new byte[size][] : null;
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        return base + i + "}";
    }

    public byte[] bytes(int i) {
        if (cache == null) {
            return name(i).getBytes(StandardCharsets.UTF_8);
        }
        byte[] b = cache[i];
        if (b == null) {
            b = name(i).getBytes(StandardCharsets.UTF_8);
            cache[i] = b;
        }
        return b;
    }

    /** UNLINKs every key of the space, a thousand at a time, and flushes; returns how many existed. */
    public long unlinkAll(RedisConnection connection) {
        long deleted = 0;
        List<RedisFuture<Long>> pending = new ArrayList<>();
        for (int start = 0; start < size; start += 1000) {
            int end = Math.min(size, start + 1000);
            byte[][] batch = new byte[end - start][];
            for (int i = start; i < end; i++) {
                batch[i - start] = bytes(i);
            }
            pending.add(connection.async().unlink(batch));
            if (pending.size() >= 64) {
                deleted += await(connection, pending);
            }
        }
        return deleted + await(connection, pending);
    }

    private static long await(RedisConnection connection, List<RedisFuture<Long>> pending) {
        long sum = 0;
        for (RedisFuture<Long> f : pending) {
            try {
                sum += connection.await(f);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("cannot delete the run's keys: " + e.getMessage(), e);
            }
        }
        pending.clear();
        return sum;
    }
}
