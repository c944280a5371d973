package dev.backendpatterns.ratelimiter;

import java.nio.charset.StandardCharsets;

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
}
