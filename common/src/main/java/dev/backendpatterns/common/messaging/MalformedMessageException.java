package dev.backendpatterns.common.messaging;

/** A message on a channel, topic or stream that the run cannot read: counted as {@code malformed} and skipped. */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
