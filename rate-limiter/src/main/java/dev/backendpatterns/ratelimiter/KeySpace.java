package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.redis.RedisConnection;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The identities a run limits: {@code size} keys named {@code <prefix><tag>:{<i>}}. The run tag keeps runs
 * against one server apart; the hash tag puts each identity's state in one cluster slot while spreading the
 * identities over every slot. Names of up to a million keys are encoded once and kept.
 *
 * <p>With {@code slotGroups} G above 0, identity i is named {@code <prefix><tag>:{<t>}:<i>} instead, where t is the
 * hash tag of group i mod G: the identities of one group share a slot, so a cluster can decide them in one script
 * call (a script may only declare keys of one slot). The G tags are chosen so that their slots fall one in each G-th
 * of the slot range, which spreads the groups evenly over masters that hold equal ranges (what a cluster is created
 * with). The price: a group is the unit of resharding and of load on one master, so too few groups make hot spots.
 */
public final class KeySpace {
    public static final String PREFIX = "bp:rl:";
    private static final int CACHE_LIMIT = 1 << 20;

    private final String base;
    private final int size;
    private final String[] groupTags;
    private final byte[][] cache;

    public KeySpace(String tag, int size) {
        this(tag, size, 0);
    }

    public KeySpace(String tag, int size, int slotGroups) {
        if (tag == null || tag.isEmpty() || tag.contains("{") || tag.contains("}")) {
            throw new IllegalArgumentException("tag must be non-empty, without braces: " + tag);
        }
        if (size < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, was " + size);
        }
        if (slotGroups < 0 || slotGroups > SlotHash.SLOT_COUNT) {
            throw new IllegalArgumentException("--slot-groups must be 0.." + SlotHash.SLOT_COUNT + ", was " + slotGroups);
        }
        this.base = PREFIX + tag + ":{";
        this.size = size;
        this.groupTags = slotGroups == 0 ? null : spreadTags(slotGroups);
        this.cache = size <= CACHE_LIMIT ? new byte[size][] : null;
    }

    /** G hash tags, the g-th the first integer whose slot lies in the g-th of G equal parts of the slot range. */
    private static String[] spreadTags(int groups) {
        String[] tags = new String[groups];
        int found = 0;
        for (int t = 0; found < groups; t++) {
            String candidate = Integer.toString(t);
            int part = (int) ((long) SlotHash.getSlot(candidate) * groups / SlotHash.SLOT_COUNT);
            if (tags[part] == null) {
                tags[part] = candidate;
                found++;
            }
        }
        return tags;
    }

    /** The number of slot groups, 0 when every identity is its own hash tag. */
    public int slotGroups() {
        return groupTags == null ? 0 : groupTags.length;
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        return groupTags == null ? base + i + "}" : base + groupTags[i % groupTags.length] + "}:" + i;
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
