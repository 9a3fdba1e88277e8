package dev.amlite.serving.listener;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"), Map.entry(201, "Created"),
            Map.entry(202, "Accepted"), Map.entry(204, "No Content"), Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"),
            Map.entry(417, "Expectation Failed"), Map.entry(422, "Unprocessable Content"),
            Map.entry(424, "Failed Dependency"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"));

    private final Socket socket;
    private final ListenerSettings settings;
    private final InferenceHandler handler;
    private final String clientAddress;
    private InputStream in;
    private HttpInput input;
    private OutputStream out;
    /** Set when the connection closes with the client possibly still sending: see {@link #lingeringClose()}. */
    private boolean unreadInput;

    Connection(Socket socket, ListenerSettings settings, InferenceHandler handler) {
        this.socket = socket;
        this.settings = settings;
        this.handler = handler;
        this.clientAddress = socket.getInetAddress() == null ? "unknown" : socket.getInetAddress().getHostAddress();
    }

    /** A request the client sent wrongly: answered with {@code status} and closed. */
    private static final class Refusal extends Exception {
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    void run() {
        try {
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            input = new HttpInput(in, 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            while (true) {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis()));
                if (!awaitRequest()) {
                    return;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis()));
                if (!exchange()) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            tryAnswer(408, "RequestTimeout", "The request did not arrive within "
                    + settings.readTimeout().toMillis() + " ms.");
        } catch (IOException e) {
            LOG.trace("Inference connection from {} ended: {}", clientAddress, e.toString());
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
            if (!(socket instanceof javax.net.ssl.SSLSocket)) {
                socket.shutdownOutput();
            }
            // Enough for a client still sending a body over the limit (a 413's usual case: it writes the whole body
            // before it reads the answer), bounded so that an endless sender cannot hold the thread. Each read may
            // wait for the whole rest of the 5 s: a client that pauses mid-upload on a busy machine (a 1 s wait per
            // read was seen to cut one off, ScoringRouterTest) still gets its answer.
            long budget = 64L << 20;
            byte[] sink = new byte[64 * 1024];
            long deadline = System.nanoTime() + 5_000_000_000L;
            int read = 1;
            while (budget > 0 && read > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) left);
                read = in.read(sink);
                budget -= Math.max(read, 0);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** True once the first byte of a request is there; false when the client closed or stayed idle too long. */
    private boolean awaitRequest() throws IOException {
        try {
            return input.awaitData();
        } catch (SocketTimeoutException e) {
            return false; // an idle kept-alive connection: closing it is the answer
        }
    }

    /** Serves one request; false when the connection must close after it. */
    private boolean exchange() throws IOException {
        Request request;
        try {
            request = readHead();
        } catch (Refusal refusal) {
            unreadInput = true;
            answer(refusal.status, refusal.code, refusal.getMessage());
            return false;
        }
        InferenceReply reply;
        try {
            reply = handler.handle(request);
        } catch (RuntimeException e) {
            LOG.error("The scoring handler failed on {} {}", request.method, request.path, e);
            reply = new InferenceReply(500, Map.of("Content-Type", "application/json"), errorJson("InternalError",
                    "The router failed on this request: " + e));
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

    private Request readHead() throws IOException, Refusal {
        int[] budget = {settings.maxHead()};
        String requestLine = readLine(budget);
        while (requestLine.isEmpty()) { // RFC 9112: a server should ignore empty lines before a request line
            requestLine = readLine(budget);
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new Refusal(400, "BadRequest", "Malformed request line; expected 'METHOD /path HTTP/1.1'.");
        }
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new Refusal(505, "HttpVersionNotSupported", "This port speaks HTTP/1.1 (and 1.0), not " + version + ".");
        }
        String target = parts[1];
        if (target.startsWith("http://") || target.startsWith("https://")) { // absolute form, as proxies send it
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            throw new Refusal(400, "BadRequest", "The request target must be a path starting with '/'.");
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        Map<String, String> headers = new HashMap<>();
        while (true) {
            String line = readLine(budget);
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new Refusal(400, "BadRequest", "Folded header lines are not allowed (RFC 9112).");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new Refusal(400, "BadRequest", "Malformed header line (no 'name: value').");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!name.strip().equals(name)) {
                throw new Refusal(400, "BadRequest", "A header name may not end with whitespace.");
            }
            String value = line.substring(colon + 1).strip();
            String before = headers.putIfAbsent(name, value);
            if (before != null && name.equals("content-length") && !before.equals(value)) {
                throw new Refusal(400, "BadRequest", "Conflicting Content-Length headers.");
            }
        }
        String method = parts[0];
        String lengthHeader = headers.get("content-length");
        String encoding = headers.get("transfer-encoding");
        boolean chunked = false;
        long length = 0;
        if (encoding != null) {
            if (lengthHeader != null) {
                throw new Refusal(400, "BadRequest", "Send either Transfer-Encoding or Content-Length, not both.");
            }
            if (!encoding.equalsIgnoreCase("chunked")) {
                throw new Refusal(501, "NotImplemented", "Transfer-Encoding '" + encoding + "' is not supported; "
                        + "send the body with Content-Length or 'chunked'.");
            }
            chunked = true;
            length = -1;
        } else if (lengthHeader != null) {
            if (lengthHeader.isEmpty() || lengthHeader.length() > 18 || !lengthHeader.chars().allMatch(Character::isDigit)) {
                throw new Refusal(400, "BadRequest", "Content-Length '" + lengthHeader + "' is not a number of bytes.");
            }
            length = Long.parseLong(lengthHeader);
        }
        String expect = headers.get("expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            throw new Refusal(417, "ExpectationFailed", "Only 'Expect: 100-continue' is supported.");
        }
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        return new Request(method, path, headers, length, chunked, expect != null, keepAlive);
    }

    /** A line of the head, without its line break; each byte counts against {@code budget}. */
    private String readLine(int[] budget) throws IOException, Refusal {
        try {
            String line = input.readLine(budget[0]);
            budget[0] -= line.length() + 2;
            return line;
        } catch (HttpInput.LineTooLongException e) {
            throw new Refusal(431, "RequestHeaderFieldsTooLarge", "The request line and headers are larger than "
                    + settings.maxHead() + " bytes.");
        }
    }

    /** One request on this connection; its body is read from the connection when the handler asks for it. */
    private final class Request implements InferenceRequest {
        final String method;
        final String path;
        final Map<String, String> headers;
        final long length;
        final boolean chunked;
        final boolean expectContinue;
        final boolean keepAlive;
        private byte[] body;
        private boolean broken;

        Request(String method, String path, Map<String, String> headers, long length, boolean chunked,
                boolean expectContinue, boolean keepAlive) {
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.length = length;
            this.chunked = chunked;
            this.expectContinue = expectContinue;
            this.keepAlive = keepAlive;
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
            return headers.get(name.toLowerCase(Locale.ROOT));
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
                out.write(InferenceListener.ascii("HTTP/1.1 100 Continue\r\n\r\n"));
                out.flush();
            }
            broken = true; // until the body is wholly read: a failure part-way leaves the stream unusable
            body = chunked ? readChunked(max) : input.readExactly((int) length);
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
            input.skip(length);
            return true;
        }
    }

    private void write(InferenceReply reply, boolean keep, boolean headOnly) throws IOException {
        out.write(head(reply.status(), reply.headers(), reply.body().length, keep));
        if (!headOnly) {
            out.write(reply.body());
        }
        out.flush();
    }

    private void answer(int status, String code, String message) throws IOException {
        byte[] body = errorJson(code, message);
        out.write(head(status, Map.of("Content-Type", "application/json"), body.length, false));
        out.write(body);
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

    static byte[] head(int status, Map<String, String> headers, int contentLength, boolean keep) {
        StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ')
                .append(REASONS.getOrDefault(status, "Status")).append("\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(contentLength).append("\r\n");
        if (!keep) {
            head.append("Connection: close\r\n");
        }
        return InferenceListener.ascii(head.append("\r\n").toString());
    }

    /** {"error": {"code", "message"}}, the shape of every error the scoring front end gives. */
    static byte[] errorJson(String code, String message) {
        return ("{\"error\": {\"code\": " + JsonText.quote(code) + ", \"message\": " + JsonText.quote(message) + "}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
