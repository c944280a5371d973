package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.cli.EnumNames;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The algorithms a run can use: five Lua scripts of ours, the noop ceiling, and two peers to compare with. */
public enum Algorithm {
    TOKEN_BUCKET(Family.BUCKET, true),
    SLIDING_WINDOW_LOG(Family.WINDOW, true),
    SLIDING_WINDOW_COUNTER(Family.WINDOW, true),
    FIXED_WINDOW(Family.WINDOW, true),
    GCRA(Family.BUCKET, true),
    /** A script that only returns 1: the ceiling of one script round trip per decision. */
    NOOP(Family.NONE, true),
    /** Bucket4j's compare-and-swap proxy on Lettuce: the peer for bucket algorithms. */
    BUCKET4J(Family.BUCKET, false),
    /** Redisson's RRateLimiter: the peer for window algorithms. */
    REDISSON(Family.WINDOW, false);

    /** Which flags configure an algorithm. */
    public enum Family {
        /** --refill-rate and --bucket-size */
        BUCKET,
        /** --threshold per --ttlms */
        WINDOW,
        /** no limit at all */
        NONE
    }

    private final Family family;
    private final boolean scripted;

    Algorithm(Family family, boolean scripted) {
        this.family = family;
        this.scripted = scripted;
    }

    public Family family() {
        return family;
    }

    /** True for the suite's own Lua scripts (and noop); false for the peers. */
    public boolean scripted() {
        return scripted;
    }

    /** The script resource next to this class. */
    public String scriptResource() {
        return id() + ".lua";
    }

    /** The name used on the command line and in results: {@code token_bucket}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }

    public static Algorithm parse(String name) {
        return EnumNames.parse(Algorithm.class, name, Algorithm::id, "algorithm");
    }

    public static String names() {
        return Arrays.stream(values()).map(Algorithm::id).collect(Collectors.joining(", "));
    }
}
