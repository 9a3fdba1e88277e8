package dev.amlite.serving.listener;

import java.io.IOException;

/** A request body over the limit its reader set; {@code size} is what was seen (declared, or read so far). */
public final class BodyTooLargeException extends IOException {
    private final long size;

    public BodyTooLargeException(long size, long max) {
        super("The request body has " + (size > max ? size : "more than " + max) + " bytes; at most " + max
                + " are allowed.");
        this.size = size;
    }

    public long size() {
        return size;
    }
}
