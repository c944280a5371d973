package dev.backendpatterns.streams.handoff;

import dev.backendpatterns.common.filter.BloomFilter;
import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.load.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionStage;

/**
 * The reference's hinted handoff: a Bloom filter whose every new key is first appended to a durable log, and which a
 * restart rebuilds by replaying the log (from a snapshot's position, when there is one). Request i asks for key
 * {@code "i"}, as the reference: present in the filter, it is a {@value #HIT} answered without a server; absent, it is
 * appended, and only once the log acknowledged it does it go into the filter and count as {@value #APPENDED}.
 */
final class HintedHandoff implements Operation {
    static final String HIT = "hit";
    static final String APPENDED = "appended";

    private final BloomFilter filter;
    private final HintLog log;
    private final FileChannel ackedLog;

    HintedHandoff(BloomFilter filter, HintLog log, Path ackedLog) {
        this.filter = filter;
        this.log = log;
        try {
            this.ackedLog = ackedLog == null ? null : FileChannel.open(ackedLog, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + ackedLog + ": " + e.getMessage(), e);
        }
    }

    static long hash(String key) {
        return KeyHash.XX.hash(key);
    }

    @Override
    public CompletionStage<String> start(long index) {
        String key = Long.toString(index);
        long hash = hash(key);
        if (filter.mightContain(hash)) {
            return Operation.local(HIT);
        }
        return log.append(key).thenApply(entry -> {
            filter.add(hash);
            log.covered(entry);
            recordAcknowledged(key);
            return APPENDED;
        });
    }

    /** With --acked-log, each acknowledged key goes to the file at once (a crash of this JVM keeps what was written). */
    private void recordAcknowledged(String key) {
        if (ackedLog == null) {
            return;
        }
        try {
            synchronized (ackedLog) {
                ackedLog.write(ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        log.flush();
    }

    BloomFilter filter() {
        return filter;
    }

    void close() {
        if (ackedLog != null) {
            try {
                ackedLog.close();
            } catch (IOException e) {
                // nothing left to write
            }
        }
    }
}
