package dev.amlite.serving.listener;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the inference listener: reads requests one after another (HTTP/1.1 keep-alive),
 * hands each to the handler and writes its answer in one flush. Anything malformed, too large or too slow is
 * answered with its status and a JSON error saying what was wrong, and the connection is closed, since the rest
 * of the stream can no longer be trusted to start at a request.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** A body nobody read is skipped to keep the connection when it is at most this big; a larger one closes it. */
    private static final long DRAIN_LIMIT = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 1024;
    private static final Duration LINGER = Duration.ofSeconds(5);
    private final Peer peer;
    private final ReadTimer.Watch watch;
    private final ListenerSettings settings;
    private final InferenceHandler handler;
    private final String clientAddress;
    private InputStream in;
    private HttpInput input;
    private OutputStream out;
    /** Set when the connection closes with the client possibly still sending: see {@link #lingeringClose()}. */
    private boolean unreadInput;

    Connection(Peer peer, ReadTimer.Watch watch, ListenerSettings settings, InferenceHandler handler) {
        this.peer = peer;
        this.watch = watch;
        this.settings = settings;
        this.handler = handler;
        this.clientAddress = peer.address();
    }

    void run() {
        try {
            in = peer.input();
            input = new HttpInput(in, 16 * 1024);
            out = new BufferedOutputStream(peer.output(), 16 * 1024);
            while (true) {
                watch.arm(settings.idleTimeout());
                if (!input.awaitData()) {
                    return; // the client closed, or an idle kept-alive connection timed out: closing is the answer
                }
                watch.arm(settings.readTimeout());
                if (!exchange()) {
                    return;
                }
            }
        } catch (IOException e) {
            if (watch.expired()) {
                tryAnswer(408, "RequestTimeout", "The request did not arrive within "
                        + settings.readTimeout().toMillis() + " ms.");
            } else {
                LOG.trace("Inference connection from {} ended: {}", clientAddress, e.toString());
            }
        }
        if (unreadInput) {
            lingeringClose();
        }
    }

    /**
     * Closing a socket with unread input makes the kernel reset the connection, and a reset can destroy the answer
     * before the client read it (the 413 or 431 it needs to see). So: stop sending, read and discard what the client
     * still sends for a short while, then close.
     */
    private void lingeringClose() {
        try {
            peer.shutdownOutput();
            // Enough for a client still sending a body over the limit (a 413's usual case: it writes the whole body
            // before it reads the answer), bounded so that an endless sender cannot hold the thread. Each read may
            // wait for the whole rest of the 5 s: a client that pauses mid-upload on a busy machine (a 1 s wait per
            // read was seen to cut one off, ScoringRouterTest) still gets its answer.
            long budget = 64L << 20;
            byte[] sink = new byte[64 * 1024];
            watch.arm(LINGER);
            int read = 1;
            while (budget > 0 && read > 0) {
                read = in.read(sink);
                budget -= Math.max(read, 0);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Serves one request; false when the connection must close after it. */
    private boolean exchange() throws IOException {
        Request request;
        try {
            request = readHead();
        } catch (RequestHead.Refusal refusal) {
            unreadInput = true;
            answer(refusal.status(), refusal.code(), refusal.getMessage());
            return false;
        }
        if (request.length == 0 && !request.chunked) {
            watch.disarm(); // no body to wait for
        }
        InferenceReply reply;
        try {
            reply = handler.handle(request);
        } catch (RuntimeException e) {
            LOG.error("The scoring handler failed on {} {}", request.method, request.path, e);
            reply = HttpWire.internalError(e);
        }
        boolean finished = request.finish();
        unreadInput = !finished;
        boolean keep = request.keepAlive && finished;
        try {
            write(reply, keep, request.method.equals("HEAD"));
        } finally {
            runAfterward(reply);
        }
        return keep;
    }

    private void runAfterward(InferenceReply reply) {
        try {
            reply.afterward().run();
        } catch (RuntimeException e) {
            LOG.error("Work after an answer to {} failed", clientAddress, e);
        }
    }

    private Request readHead() throws IOException, RequestHead.Refusal {
        int[] budget = {settings.maxHead()};
        String requestLine = readLine(budget);
        while (requestLine.isEmpty()) { // RFC 9112: a server should ignore empty lines before a request line
            requestLine = readLine(budget);
        }
        List<String> lines = new ArrayList<>();
        for (String line = readLine(budget); !line.isEmpty(); line = readLine(budget)) {
            lines.add(line);
        }
        return new Request(RequestHead.parse(requestLine, lines));
    }

    /** A line of the head, without its line break; each byte counts against {@code budget}. */
    private String readLine(int[] budget) throws IOException, RequestHead.Refusal {
        try {
            String line = input.readLine(budget[0]);
            budget[0] -= line.length() + 2;
            return line;
        } catch (HttpInput.LineTooLongException e) {
            throw RequestHead.tooLarge(settings.maxHead());
        }
    }

    /** One request on this connection; its body is read from the connection when the handler asks for it. */
    private final class Request implements InferenceRequest {
        final RequestHead head;
        final String method;
        final String path;
        final long length;
        final boolean chunked;
        final boolean expectContinue;
        final boolean keepAlive;
        private byte[] body;
        private boolean broken;

        Request(RequestHead head) {
            this.head = head;
            this.method = head.method();
            this.path = head.path();
            this.length = head.length();
            this.chunked = head.chunked();
            this.expectContinue = head.expectContinue();
            this.keepAlive = head.keepAlive();
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String header(String name) {
            return head.header(name);
        }

        @Override
        public long declaredLength() {
            return chunked ? -1 : length;
        }

        @Override
        public String clientAddress() {
            return clientAddress;
        }

        @Override
        public byte[] body(long max) throws IOException {
            if (body != null) {
                return body;
            }
            if (broken) {
                throw new IOException("The request body could not be read");
            }
            if (!chunked && length > max) {
                broken = true;
                throw new BodyTooLargeException(length, max);
            }
            if (expectContinue) {
                out.write(HttpWire.CONTINUE);
                out.flush();
            }
            broken = true; // until the body is wholly read: a failure part-way leaves the stream unusable
            body = chunked ? readChunked(max) : input.readExactly((int) length);
            watch.disarm(); // the request is in: run() may take as long as it takes
            broken = false;
            return body;
        }


        private byte[] readChunked(long max) throws IOException {
            ByteArrayOutputStream collected = new ByteArrayOutputStream();
            byte[] piece = new byte[8192];
            while (true) {
                long size = chunkSize();
                if (size == 0) {
                    break;
                }
                if (collected.size() + size > max) {
                    throw new BodyTooLargeException(collected.size() + size, max);
                }
                long left = size;
                while (left > 0) {
                    int n = input.read(piece, 0, (int) Math.min(piece.length, left));
                    collected.write(piece, 0, n);
                    left -= n;
                }
                crlf();
            }
            while (!chunkLine().isEmpty()) {
                // trailer fields: not used
            }
            return collected.toByteArray();
        }

        private long chunkSize() throws IOException {
            String line = chunkLine();
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (hex.isEmpty() || hex.length() > 12) {
                throw new IOException("Malformed chunk size '" + line + "'");
            }
            try {
                return Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("Malformed chunk size '" + line + "'");
            }
        }

        private void crlf() throws IOException {
            if (!chunkLine().isEmpty()) {
                throw new IOException("A chunk is longer than its size says");
            }
        }

        private String chunkLine() throws IOException {
            return input.readLine(MAX_CHUNK_LINE);
        }

        /**
         * Leaves the stream at the next request: true when it is; false when the connection must close (a body
         * left half-read, too large to skip, or one the client may still be holding back for a 100 Continue).
         */
        boolean finish() throws IOException {
            if (broken) {
                return false;
            }
            if (body != null || (length == 0 && !chunked)) {
                return true;
            }
            if (chunked || expectContinue || length > DRAIN_LIMIT) {
                return false;
            }
            watch.arm(settings.readTimeout());
            input.skip(length);
            return true;
        }
    }

    private void write(InferenceReply reply, boolean keep, boolean headOnly) throws IOException {
        out.write(HttpWire.head(reply.status(), reply.headers(), reply.body().length, keep));
        if (!headOnly) {
            out.write(reply.body());
        }
        out.flush();
    }

    private void answer(int status, String code, String message) throws IOException {
        out.write(HttpWire.errorAnswer(status, code, message));
        out.flush();
    }

    private void tryAnswer(int status, String code, String message) {
        unreadInput = true;
        try {
            answer(status, code, message);
        } catch (IOException ignored) {
            // the client is gone as well
        }
    }
}
