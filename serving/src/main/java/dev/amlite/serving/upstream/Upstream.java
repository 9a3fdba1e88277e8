package dev.amlite.serving.upstream;

import dev.amlite.serving.listener.HttpInput;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A minimal HTTP/1.1 client for one instance on the loopback interface, with a pool of kept-alive connections.
 * {@link #post} blocks its caller (a connection thread of the scoring port, or a virtual thread on the main port);
 * {@link #send} is for requests nobody waits for (mirrored copies) and answers on a lane's own thread. Instances
 * are amlite's own servers and always answer with Content-Length, which is all this client reads. A request that
 * outlives its deadline closes its connection: the instance sees the client go and the router answers 408.
 */
public final class Upstream implements AutoCloseable {
    private static final int MAX_IDLE = 256;
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private final String host;
    private final int port;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    // ConcurrentLinkedDeque.size() walks the deque; the pool's bound is kept in a counter instead.
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;
    private static final int LANE_POLL_MILLIS = 1000;
    private final ConcurrentLinkedDeque<Lane> idleLanes = new ConcurrentLinkedDeque<>();
    private final java.util.Set<Lane> lanes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Upstream(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** A kept-alive connection with its own read buffer (lines are parsed from it without a call per byte). */
    private static final class Connection {
        final Socket socket;
        final HttpInput in;
        final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new HttpInput(socket.getInputStream(), 16 * 1024);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
    }

    /**
     * POSTs {@code body} to {@code path} and reads the whole answer, within {@code timeoutNanos}. A kept-alive
     * connection the instance closed meanwhile (it restarted) fails before a byte of answer arrives; such a
     * request is sent once more on a new connection.
     */
    public UpstreamResponse post(String path, Map<String, String> headers, byte[] body, long timeoutNanos)
            throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        Connection pooled = idle.pollFirst();
        if (pooled != null) {
            idleCount.decrementAndGet();
            try {
                return exchange(pooled, path, headers, body, deadline);
            } catch (StaleConnectionException e) {
                pooled.close();
            }
        }
        Connection fresh = open(deadline);
        try {
            return exchange(fresh, path, headers, body, deadline);
        } catch (StaleConnectionException e) {
            throw new IOException("The instance on port " + port + " closed the connection without answering");
        }
    }

    private Connection open(long deadline) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        int remaining = remainingMillis(deadline);
        try {
            socket.connect(new InetSocketAddress(host, port), remaining);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new UpstreamTimeoutException("Connecting to the instance on port " + port + " timed out");
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new Connection(socket);
    }

    private static int remainingMillis(long deadline) throws UpstreamTimeoutException {
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            throw new UpstreamTimeoutException("The request deadline passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, nanos / 1_000_000));
    }

    private static final class StaleConnectionException extends IOException {
        StaleConnectionException() {
            super(null, null);
        }
    }

    private void write(Connection connection, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                .append("\r\nContent-Length: ").append(body.length).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        connection.out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        connection.out.write(body);
        connection.out.flush();
    }

    private UpstreamResponse exchange(Connection connection, String path, Map<String, String> headers, byte[] body,
                                      long deadline) throws IOException {
        boolean keep = false;
        try {
            try {
                write(connection, path, headers, body);
            } catch (IOException e) {
                throw new StaleConnectionException();
            }
            connection.socket.setSoTimeout(remainingMillis(deadline));
            String status;
            try {
                status = connection.in.readLine(MAX_HEADER_LINE);
            } catch (EOFException e) {
                throw new StaleConnectionException();
            } catch (java.net.SocketException e) {
                throw new StaleConnectionException();
            }
            Answer answer = readAnswer(connection, status, deadline);
            keep = answer.keep();
            return answer.response();
        } catch (SocketTimeoutException e) {
            throw new UpstreamTimeoutException("The instance on port " + port + " did not answer in time");
        } finally {
            if (keep && !closed && idleCount.incrementAndGet() <= MAX_IDLE) {
                idle.addFirst(connection);
            } else {
                if (keep && !closed) {
                    idleCount.decrementAndGet();
                }
                connection.close();
            }
        }
    }

    /** An instance's answer, and whether its connection can carry another request. */
    private record Answer(UpstreamResponse response, boolean keep) {
    }

    /** Reads the rest of an answer whose status line is {@code status}: headers, then the body. */
    private static Answer readAnswer(Connection connection, String status, long deadline) throws IOException {
        int code = parseStatus(status);
        long length = -1;
        String contentType = null;
        boolean close = false;
        while (true) {
            String line = connection.in.readLine(MAX_HEADER_LINE);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Content-Type")) {
                contentType = value;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        connection.socket.setSoTimeout(remainingMillis(deadline));
        byte[] body;
        if (length >= 0) {
            body = connection.in.readExactly((int) length);
        } else {
            body = connection.in.readToEnd();
            close = true;
        }
        return new Answer(new UpstreamResponse(code, contentType, body), !close);
    }

    private static int parseStatus(String line) throws IOException {
        // HTTP/1.1 200 OK
        if (line.length() < 12 || !line.startsWith("HTTP/1.")) {
            throw new IOException("The instance answered something that is not HTTP: " + line);
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("The instance answered a malformed status line: " + line);
        }
    }

    /** What became of a request sent with {@link #send}: the instance's answer, or the failure instead. */
    public record Outcome(UpstreamResponse response, IOException failure) {
    }

    /** A request sent on a lane whose answer is awaited; completed exactly once. */
    private static final class Pending {
        final String path;
        final Map<String, String> headers;
        final byte[] body;
        final long deadline;
        final Consumer<Outcome> done;
        final AtomicBoolean completed = new AtomicBoolean();
        volatile boolean resent;

        Pending(String path, Map<String, String> headers, byte[] body, long deadline, Consumer<Outcome> done) {
            this.path = path;
            this.headers = headers;
            this.body = body;
            this.deadline = deadline;
            this.done = done;
        }

        void complete(Outcome outcome) {
            if (completed.compareAndSet(false, true)) {
                done.accept(outcome);
            }
        }
    }

    /**
     * A connection with a platform thread of its own that is always blocked reading it. A request written on the
     * caller's thread is answered straight to that reader: the caller never waits, and nothing is handed from
     * thread to thread (a pool thread per copy cost a wake-up more; measured). State IDLE (in the idle deque),
     * BUSY (a request outstanding) or DEAD; the reader is the only one to read the socket.
     */
    private final class Lane {
        static final int IDLE = 0;
        static final int BUSY = 1;
        static final int DEAD = 2;
        final Connection connection;
        final AtomicInteger state;
        volatile Pending pending;

        Lane(Connection connection, Pending first) {
            this.connection = connection;
            this.pending = first;
            this.state = new AtomicInteger(BUSY);
        }

        void read() {
            try {
                while (true) {
                    connection.socket.setSoTimeout(LANE_POLL_MILLIS);
                    try {
                        if (!connection.in.awaitData()) {
                            closedBeforeAnswer();
                            return;
                        }
                    } catch (SocketTimeoutException e) {
                        Pending waiting = pending;
                        if (waiting != null && state.get() == BUSY && System.nanoTime() - waiting.deadline > 0) {
                            die(new UpstreamTimeoutException("The instance on port " + port + " did not answer in time"));
                            return;
                        }
                        continue;
                    }
                    Pending answered = pending;
                    if (answered == null || state.get() != BUSY) {
                        die(new IOException("The instance on port " + port + " sent data nobody asked for"));
                        return;
                    }
                    Answer answer;
                    try {
                        long grace = answered.deadline + LANE_POLL_MILLIS * 1_000_000L;
                        connection.socket.setSoTimeout(remainingMillis(grace));
                        answer = readAnswer(connection, connection.in.readLine(MAX_HEADER_LINE), grace);
                    } catch (SocketTimeoutException e) {
                        die(new UpstreamTimeoutException("The instance on port " + port + " did not answer in time"));
                        return;
                    }
                    pending = null;
                    if (answer.keep() && !closed) {
                        state.set(IDLE);
                        idleLanes.addFirst(this);
                        answered.complete(new Outcome(answer.response(), null));
                    } else {
                        state.set(DEAD);
                        retire();
                        answered.complete(new Outcome(answer.response(), null));
                        return;
                    }
                }
            } catch (IOException e) {
                die(e);
            }
        }

        /**
         * The instance closed the connection before a byte of answer: a kept-alive connection it had let go (the
         * JDK's HTTP server keeps at most 200 idle ones). An outstanding request is sent once more on a new lane.
         */
        void closedBeforeAnswer() {
            int before = state.getAndSet(DEAD);
            retire();
            Pending lost = pending;
            if (before == BUSY && lost != null && !lost.resent) {
                lost.resent = true;
                if (!transmit(lost)) {
                    lost.complete(new Outcome(null, new EOFException("The instance on port " + port
                            + " closed the connection without answering")));
                }
            } else if (before == BUSY && lost != null) {
                lost.complete(new Outcome(null, new EOFException("The instance on port " + port
                        + " closed the connection without answering, twice")));
            }
        }

        void die(IOException why) {
            int before = state.getAndSet(DEAD);
            retire();
            Pending lost = pending;
            if (before == BUSY && lost != null) {
                lost.complete(new Outcome(null, why));
            }
        }

        void retire() {
            connection.close();
            lanes.remove(this);
        }
    }

    /**
     * Sends a request whose answer nobody waits for (a mirrored copy): written on the calling thread, answered to
     * {@code done} on a lane's reader thread, within {@code timeoutNanos} (plus a second's grace: the instance is
     * told the deadline and cancels the work itself). Returns false, without calling {@code done}, when the request
     * could not be sent; otherwise {@code done} is called exactly once. Meant for small bodies: the write blocks
     * the caller until the socket buffer took the body.
     */
    public boolean send(String path, Map<String, String> headers, byte[] body, long timeoutNanos,
                        Consumer<Outcome> done) {
        return transmit(new Pending(path, headers, body, System.nanoTime() + timeoutNanos, done));
    }

    /** Writes the request on an idle lane, or a new one; a lane whose connection turns out dead gets one retry. */
    private boolean transmit(Pending request) {
        for (int attempt = 0; attempt < 2; attempt++) {
            if (closed) {
                return false;
            }
            Lane lane;
            while ((lane = idleLanes.pollFirst()) != null) {
                lane.pending = request;
                if (lane.state.compareAndSet(Lane.IDLE, Lane.BUSY)) {
                    break;
                }
                lane.pending = null; // died while idle: dropped from the deque here
            }
            if (lane == null) {
                try {
                    lane = new Lane(open(request.deadline), request);
                } catch (IOException e) {
                    return false;
                }
                lanes.add(lane);
                Lane reader = lane;
                Thread.ofPlatform().name("lane-" + port).daemon().start(reader::read);
            }
            try {
                write(lane.connection, request.path, request.headers, request.body);
                return true;
            } catch (IOException e) {
                if (!lane.state.compareAndSet(Lane.BUSY, Lane.DEAD)) {
                    return true; // the reader saw the connection die first: it resends or answers done itself
                }
                lane.retire();
            }
        }
        return false;
    }

    /** Closes idle connections and lanes; requests in flight on the pool finish on theirs, then close them. */
    @Override
    public void close() {
        closed = true;
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
        lanes.forEach(Lane::retire);
    }
}
