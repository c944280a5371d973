package dev.backendpatterns.applicationcache.rfilter;

import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.filter.MembershipFilter;
import java.util.LinkedHashMap;
import java.util.Map;

/** One of the suite's Bloom filters, fed with a 64-bit hash of each key's UTF-8 bytes. */
final class HashedKeyFilter implements KeyFilter {
    private final MembershipFilter filter;
    private final KeyHash hash;

    HashedKeyFilter(MembershipFilter filter, KeyHash hash) {
        this.filter = filter;
        this.hash = hash;
    }

    @Override
    public void add(String key) {
        filter.add(hash.hash(key));
    }

    @Override
    public boolean mightContain(String key) {
        return filter.mightContain(hash.hash(key));
    }

    @Override
    public long memoryBytes() {
        return filter.memoryBytes();
    }

    @Override
    public double expectedFalsePositiveRate(long keys) {
        return filter.expectedFalsePositiveRate(keys);
    }

    @Override
    public Map<String, Object> shape() {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("bits", filter.bits());
        shape.put("positions", filter.hashFunctions());
        shape.put("hash", hash.id());
        return shape;
    }
}
