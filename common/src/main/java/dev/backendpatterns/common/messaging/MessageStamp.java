package dev.backendpatterns.common.messaging;

import java.nio.ByteBuffer;

/**
 * What every tracked message carries: its index in the run (dense, assigned by the {@link DeliveryTracker}), its
 * producer and that producer's sequence number, and the publish time ({@link System#nanoTime()}, so only meaningful
 * in the JVM that published it: publisher and subscribers of a run share one JVM and one clock), plus how many
 * deliveries are expected of it (its fan-out).
 */
public record MessageStamp(long index, int producer, long sequence, long publishNanos, int fanout) {
    /** Bytes of {@link #writeTo}. */
    public static final int BYTES = 8 + 4 + 8 + 8 + 4;

    public MessageStamp {
        if (index < 0 || producer < 0 || sequence < 0 || fanout < 0) {
            throw new IllegalArgumentException("a stamp's index, producer, sequence and fan-out must not be negative");
        }
    }

    public void writeTo(ByteBuffer out) {
        out.putLong(index).putInt(producer).putLong(sequence).putLong(publishNanos).putInt(fanout);
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        writeTo(out);
        return out.array();
    }

    /** Reads a stamp written by {@link #writeTo}; throws {@link MalformedMessageException} when it cannot. */
    public static MessageStamp readFrom(ByteBuffer in) {
        if (in.remaining() < BYTES) {
            throw new MalformedMessageException("a message stamp needs " + BYTES + " bytes, found " + in.remaining());
        }
        try {
            return new MessageStamp(in.getLong(), in.getInt(), in.getLong(), in.getLong(), in.getInt());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
    }

    /** A compact text form, {@code index.producer.sequence.publishNanos.fanout} in base 36, for text payloads. */
    public String toText() {
        return Long.toString(index, 36) + '.' + Integer.toString(producer, 36) + '.' + Long.toString(sequence, 36) + '.'
                + Long.toString(publishNanos, 36) + '.' + Integer.toString(fanout, 36);
    }

    /** Parses {@link #toText()}; throws {@link MalformedMessageException} when it cannot. */
    public static MessageStamp parseText(CharSequence text) {
        String s = text == null ? "" : text.toString();
        String[] parts = s.split("\\.", -1);
        if (parts.length != 5) {
            throw new MalformedMessageException("not a message stamp: '" + abbreviate(s) + "'");
        }
        try {
            return new MessageStamp(Long.parseLong(parts[0], 36), Integer.parseInt(parts[1], 36), Long.parseLong(parts[2], 36),
                    Long.parseLong(parts[3], 36), Integer.parseInt(parts[4], 36));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("not a message stamp: '" + abbreviate(s) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
