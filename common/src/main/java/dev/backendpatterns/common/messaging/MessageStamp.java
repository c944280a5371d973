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

    /**
     * A compact text form, {@code index.producer.sequence.publishNanos.fanout} in unsigned hexadecimal (a negative
     * {@link System#nanoTime()} as its two's complement), for text payloads: a publisher writes one per message, and
     * hexadecimal digits come from shifts where base 36 took a division per digit (3% of a dashboard client's CPU).
     */
    public String toText() {
        return Long.toHexString(index) + '.' + Integer.toHexString(producer) + '.' + Long.toHexString(sequence) + '.'
                + Long.toHexString(publishNanos) + '.' + Integer.toHexString(fanout);
    }

    /** Parses {@link #toText()}; throws {@link MalformedMessageException} when it cannot. */
    public static MessageStamp parseText(CharSequence text) {
        // by hand rather than String.split: a subscriber parses one per message (split was 4% of a dashboard's client)
        CharSequence s = text == null ? "" : text;
        int[] dots = new int[4];
        int found = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '.') {
                if (found == 4) {
                    throw malformed(s);
                }
                dots[found++] = i;
            }
        }
        if (found != 4) {
            throw malformed(s);
        }
        try {
            return new MessageStamp(Long.parseUnsignedLong(s, 0, dots[0], 16),
                    Integer.parseUnsignedInt(s, dots[0] + 1, dots[1], 16), Long.parseUnsignedLong(s, dots[1] + 1, dots[2], 16),
                    Long.parseUnsignedLong(s, dots[2] + 1, dots[3], 16), Integer.parseUnsignedInt(s, dots[3] + 1, s.length(), 16));
        } catch (IllegalArgumentException e) {
            throw malformed(s);
        }
    }

    private static MalformedMessageException malformed(CharSequence s) {
        return new MalformedMessageException("not a message stamp: '" + abbreviate(s.toString()) + "'");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
