package dev.backendpatterns.ratelimiter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configured limit. Bucket algorithms (token bucket, GCRA, Bucket4j) use {@code refillRate} tokens per second
 * and {@code bucketSize}; window algorithms (sliding log, sliding counter, fixed window, Redisson) use
 * {@code threshold} requests per {@code windowMillis}.
 */
public record Limits(double refillRate, long bucketSize, long windowMillis, long threshold) {

    public Limits {
        if (!(refillRate > 0) || Double.isInfinite(refillRate)) {
            throw new IllegalArgumentException("--refill-rate must be a positive number, was " + refillRate);
        }
        if (bucketSize < 1) {
            throw new IllegalArgumentException("--bucket-size must be at least 1, was " + bucketSize);
        }
        if (windowMillis < 1) {
            throw new IllegalArgumentException("--ttlms must be at least 1, was " + windowMillis);
        }
        if (threshold < 1) {
            throw new IllegalArgumentException("--threshold must be at least 1, was " + threshold);
        }
    }

    /** The same limit for every family: {@code threshold} per {@code windowMillis}, as a bucket of that size. */
    public static Limits perWindow(long threshold, long windowMillis) {
        return new Limits(threshold * 1000.0 / windowMillis, threshold, windowMillis, threshold);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("refill_rate", refillRate);
        map.put("bucket_size", bucketSize);
        map.put("ttlms", windowMillis);
        map.put("threshold", threshold);
        return map;
    }
}
