package dev.amlite.serving.listener;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A buffered reader of one HTTP/1.1 connection of the instances' server; lines are cut without a call per byte. */
final class HttpInput {
    /** A line longer than its reader allows. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int max) {
            super("A line is longer than " + max + " bytes");
        }
    }

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    HttpInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /** True when a byte is buffered or arrives; false when the peer closed the connection. */
    boolean awaitData() throws IOException {
        if (position < limit) {
            return true;
        }
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    private void require() throws IOException {
        if (!awaitData()) {
            throw new EOFException("The connection closed in the middle of a message");
        }
    }

    /** The next line without its CR LF (a bare LF ends one too); more than {@code max} bytes: LineTooLongException. */
    String readLine(int max) throws IOException {
        StringBuilder line = null;
        int taken = 0;
        while (true) {
            require();
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    if (taken + i - position > max) {
                        throw new LineTooLongException(max);
                    }
                    String part = new String(buffer, position, i - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    String whole = line == null ? part : line.append(part).toString();
                    return whole.endsWith("\r") ? whole.substring(0, whole.length() - 1) : whole;
                }
            }
            taken += limit - position;
            if (taken > max) {
                throw new LineTooLongException(max);
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buffer, position, limit - position, StandardCharsets.ISO_8859_1));
            position = limit;
        }
    }

    /** Up to {@code length} bytes into {@code target}, at least one; the number read. */
    int read(byte[] target, int offset, int length) throws IOException {
        require();
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    /** Exactly {@code length} bytes. */
    byte[] readExactly(int length) throws IOException {
        byte[] bytes = new byte[length];
        int read = 0;
        while (read < length) {
            read += read(bytes, read, length - read);
        }
        return bytes;
    }

    /** Skips exactly {@code count} bytes. */
    void skip(long count) throws IOException {
        while (count > 0) {
            require();
            int n = (int) Math.min(count, limit - position);
            position += n;
            count -= n;
        }
    }
}
