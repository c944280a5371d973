package dev.backendpatterns.streams.handoff;

import dev.backendpatterns.common.filter.BloomFilter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A filter's bits and the log position they cover (per shard: every entry up to it is in the bits; later entries may be
 * too), stored so that a restart loads them and replays only the tail. Serialised as: a magic number, k, the number of
 * shards and each shard's position (length-prefixed UTF-8, -1 for none), the number of words, and the words.
 */
record Snapshot(int positions, List<String> covered, long[] words) {
    private static final int MAGIC = 0x42504853; // "BPHS"

    static Snapshot of(BloomFilter filter, List<String> covered) {
        return new Snapshot(filter.hashFunctions(), List.copyOf(covered), filter.snapshot());
    }

    BloomFilter filter() {
        return BloomFilter.fromWords(words, positions);
    }

    byte[] toBytes() {
        List<byte[]> ids = new ArrayList<>();
        int size = 4 + 4 + 4 + 4 + 8 * words.length;
        for (String id : covered) {
            byte[] b = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
            ids.add(b);
            size += 4 + (b == null ? 0 : b.length);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(MAGIC).putInt(positions).putInt(covered.size());
        for (byte[] b : ids) {
            out.putInt(b == null ? -1 : b.length);
            if (b != null) {
                out.put(b);
            }
        }
        out.putInt(words.length);
        out.asLongBuffer().put(words);
        return out.array();
    }

    static Snapshot fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 16 || in.getInt() != MAGIC) {
            throw new IllegalStateException("not a hinted-handoff snapshot");
        }
        int positions = in.getInt();
        int shards = in.getInt();
        List<String> covered = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            int length = in.getInt();
            if (length < 0) {
                covered.add(null);
            } else {
                byte[] b = new byte[length];
                in.get(b);
                covered.add(new String(b, StandardCharsets.UTF_8));
            }
        }
        long[] words = new long[in.getInt()];
        in.asLongBuffer().get(words);
        return new Snapshot(positions, covered, words);
    }
}
