package dev.amlite.serving.port;

import io.netty.buffer.ByteBuf;

/** Where an HTTP/1.1 head ends in bytes that arrive in pieces: both ends of the scoring path look for it. */
final class HeadEnd {
    private HeadEnd() {
    }

    /**
     * The index just past the empty line that ends a head (CRLF CRLF, or bare LFs as RFC 9112 tolerates), looking at
     * line breaks from {@code from} up to {@code limit}; -1 when the head is not all there yet.
     */
    static int find(ByteBuf in, int from, int limit) {
        for (int i = in.indexOf(from, limit, (byte) '\n'); i >= 0; i = in.indexOf(i + 1, limit, (byte) '\n')) {
            if (i + 1 < limit && in.getByte(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < limit && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }
}
