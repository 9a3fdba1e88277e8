package dev.amlite.serving.port;

import dev.amlite.serving.listener.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * Cuts the bytes of one client connection into requests: a {@link RequestHead} (parsed by the same rules as the
 * instances' server), then {@link Part}s of its body ending with one marked last (an empty one for a request
 * without a body), or a {@link RequestHead.Refusal} or {@link Broken} after which nothing more is decoded.
 */
final class RequestDecoder {
    private static final int MAX_CHUNK_LINE = 1024;

    /**
     * A piece of a body; {@code bytes} is the receiver's to release. {@code promised}: the size a chunk's header
     * announced (the chunk itself follows in later parts), so that a body over its limit is known before it came.
     */
    record Part(ByteBuf bytes, boolean last, long promised) {
        Part(ByteBuf bytes, boolean last) {
            this(bytes, last, 0);
        }
    }

    /** A body that cannot be decoded (a malformed chunk): the connection can no longer find the next request. */
    record Broken(String why) {
    }

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, STOPPED }

    private final int maxHead;
    private State state = State.HEAD;
    private long remaining;
    /** Where the search for the end of the head resumes (bytes before it were looked at already). */
    private int scanned;

    RequestDecoder(int maxHead) {
        this.maxHead = maxHead;
    }

    /** True while a request has started to arrive but its head or body is not complete. */
    boolean midRequest(ByteBuf in) {
        return state != State.HEAD && state != State.STOPPED || in.isReadable();
    }

    /** Decodes what {@code in} holds; what is not yet whole stays in it. */
    void decode(ByteBuf in, Queue<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case HEAD -> {
                    if (!head(in, out)) {
                        return;
                    }
                }
                case BODY -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    remaining -= n;
                    out.add(new Part(in.readRetainedSlice(n), remaining == 0));
                    if (remaining == 0) {
                        state = State.HEAD;
                    }
                }
                case CHUNK_SIZE -> {
                    String line = line(in, out);
                    if (line == null) {
                        return;
                    }
                    long size = chunkSize(line);
                    if (size < 0) {
                        stop(out, new Broken("Malformed chunk size '" + line + "'; a chunk starts with its size in hexadecimal "
                                + "(at most 12 digits), then CRLF."));
                    } else if (size == 0) {
                        state = State.TRAILERS;
                    } else {
                        remaining = size;
                        state = State.CHUNK_DATA;
                        out.add(new Part(Unpooled.EMPTY_BUFFER, false, size));
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    remaining -= n;
                    out.add(new Part(in.readRetainedSlice(n), false));
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    String line = line(in, out);
                    if (line == null) {
                        return;
                    }
                    if (!line.isEmpty()) {
                        stop(out, new Broken("A chunk is longer than its size says; each chunk's data ends with CRLF "
                                + "right after the announced number of bytes."));
                    } else {
                        state = State.CHUNK_SIZE;
                    }
                }
                case TRAILERS -> { // trailer fields: not used
                    String line = line(in, out);
                    if (line == null) {
                        return;
                    }
                    if (line.isEmpty()) {
                        out.add(new Part(Unpooled.EMPTY_BUFFER, true));
                        state = State.HEAD;
                    }
                }
                case STOPPED -> in.skipBytes(in.readableBytes());
            }
        }
    }

    /** Decodes a head when it is all there; false when more bytes are needed (or decoding stopped). */
    private boolean head(ByteBuf in, Queue<Object> out) {
        // RFC 9112: a server should ignore empty lines before a request line
        while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
            in.skipBytes(1);
            scanned = 0;
        }
        int start = in.readerIndex();
        int limit = in.writerIndex();
        int end = HeadEnd.find(in, Math.max(start, start + scanned - 3), limit);
        if (end < 0) {
            scanned = limit - start;
            if (scanned > maxHead) {
                stop(out, RequestHead.tooLarge(maxHead));
            }
            return false;
        }
        scanned = 0;
        if (end - start > maxHead) {
            stop(out, RequestHead.tooLarge(maxHead));
            return false;
        }
        String text = in.toString(start, end - start, StandardCharsets.ISO_8859_1);
        in.skipBytes(end - start);
        List<String> lines = new ArrayList<>(16);
        for (int from = 0, newline; (newline = text.indexOf('\n', from)) >= 0; from = newline + 1) {
            int to = newline > from && text.charAt(newline - 1) == '\r' ? newline - 1 : newline;
            if (to == from) {
                break; // the empty line that ends the head
            }
            lines.add(text.substring(from, to));
        }
        RequestHead head;
        try {
            head = RequestHead.parse(lines.getFirst(), lines.subList(1, lines.size()));
        } catch (RequestHead.Refusal refusal) {
            stop(out, refusal);
            return false;
        }
        out.add(head);
        if (head.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (head.length() > 0) {
            remaining = head.length();
            state = State.BODY;
        } else {
            out.add(new Part(Unpooled.EMPTY_BUFFER, true));
        }
        return true;
    }

    /** A line of a chunked body without its line break, or null until it is all there. */
    private String line(ByteBuf in, Queue<Object> out) {
        int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (newline < 0) {
            if (in.readableBytes() > MAX_CHUNK_LINE) {
                stop(out, new Broken("A chunk line is longer than " + MAX_CHUNK_LINE + " bytes"));
            }
            return null;
        }
        String line = in.toString(in.readerIndex(), newline - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(newline + 1);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** The chunk size a line gives, or -1 when it is malformed. */
    private static long chunkSize(String line) {
        int semicolon = line.indexOf(';');
        String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
        if (hex.isEmpty() || hex.length() > 12) {
            return -1;
        }
        try {
            return Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void stop(Queue<Object> out, Object why) {
        out.add(why);
        state = State.STOPPED;
    }
}
