package dev.backendpatterns.common.filter;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The 64-bit hash functions a filter's keys go through, each from a maintained library: xxHash64 (the maintained
 * fork of lz4-java, pure Java), FarmHash's Fingerprint64 and the low 64 bits of MurmurHash3 x64 128 (both Guava).
 * Thread-safe.
 */
public enum KeyHash {
    XX("xx") {
        private final XXHash64 xx = XXHashFactory.fastestJavaInstance().hash64();

        @Override
        public long hash(byte[] key) {
            return xx.hash(key, 0, key.length, 0);
        }
    },
    FARM("farm") {
        private final HashFunction farm = Hashing.farmHashFingerprint64();

        @Override
        public long hash(byte[] key) {
            return farm.hashBytes(key).asLong();
        }
    },
    MURMUR3("murmur3") {
        private final HashFunction murmur = Hashing.murmur3_128();

        @Override
        public long hash(byte[] key) {
            return murmur.hashBytes(key).asLong();
        }
    };

    private final String id;

    KeyHash(String id) {
        this.id = id;
    }

    public abstract long hash(byte[] key);

    /** The hash of a text key's UTF-8 bytes. */
    public long hash(String key) {
        return hash(key.getBytes(StandardCharsets.UTF_8));
    }

    public String id() {
        return id;
    }

    /**
     * MurmurHash3's 64-bit finalizer: a bijection whose every output bit depends on every input bit; how a key that is
     * already a 64-bit number becomes a filter's hash.
     */
    public static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }

    /** The function named {@code name}: xx (or xxhash), farm (or farmhash), murmur3. */
    public static KeyHash parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (KeyHash h : values()) {
            if (h.id.equals(n) || (h.id + "hash").equals(n)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown hash '" + name + "'; expected one of "
                + Arrays.stream(values()).map(KeyHash::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
