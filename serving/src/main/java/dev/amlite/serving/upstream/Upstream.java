package dev.amlite.serving.upstream;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A minimal HTTP/1.1 client for one instance on the loopback interface, with a pool of kept-alive connections.
 * The router's callers run on virtual threads, so blocking sockets cost no platform thread; instances are
 * amlite's own servers and always answer with Content-Length, which is all this client reads. A request that
 * outlives its deadline closes its connection: the instance sees the client go and the router answers 408.
 */
public final class Upstream implements AutoCloseable {
    private static final int MAX_IDLE = 256;
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private final String host;
    private final int port;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    // ConcurrentLinkedDeque.size() walks the deque; the pool's bound is kept in a counter instead.
    private final java.util.concurrent.atomic.AtomicInteger idleCount = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

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
        final InputStream in;
        final OutputStream out;
        final byte[] buffer = new byte[16 * 1024];
        int position;
        int limit;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        private boolean fill() throws IOException {
            int read = in.read(buffer, 0, buffer.length);
            if (read <= 0) {
                return false;
            }
            position = 0;
            limit = read;
            return true;
        }

        String readLine() throws IOException {
            StringBuilder line = null;
            while (true) {
                if (position == limit && !fill()) {
                    throw new EOFException("The connection closed");
                }
                for (int i = position; i < limit; i++) {
                    if (buffer[i] == '\n') {
                        int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                        String part = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                        position = i + 1;
                        if (line == null) {
                            return part;
                        }
                        line.append(part);
                        int length = line.length();
                        if (end == i && length > 0 && line.charAt(length - 1) == '\r') {
                            line.setLength(length - 1);
                        }
                        return line.toString();
                    }
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                line.append(new String(buffer, position, limit - position, StandardCharsets.ISO_8859_1));
                position = limit;
                if (line.length() > MAX_HEADER_LINE) {
                    throw new IOException("A header line of the instance's answer is too long");
                }
            }
        }

        byte[] readBody(int length) throws IOException {
            byte[] body = new byte[length];
            int copied = Math.min(length, limit - position);
            System.arraycopy(buffer, position, body, 0, copied);
            position += copied;
            while (copied < length) {
                int read = in.read(body, copied, length - copied);
                if (read < 0) {
                    throw new EOFException("The instance closed the connection in the middle of its answer");
                }
                copied += read;
            }
            return body;
        }

        byte[] readToEnd() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(buffer, position, limit - position);
            position = limit;
            in.transferTo(all);
            return all.toByteArray();
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

    private UpstreamResponse exchange(Connection connection, String path, Map<String, String> headers, byte[] body,
                                      long deadline) throws IOException {
        boolean keep = false;
        try {
            StringBuilder head = new StringBuilder(256);
            head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                    .append("\r\nContent-Length: ").append(body.length).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            try {
                connection.out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                connection.out.write(body);
                connection.out.flush();
            } catch (IOException e) {
                throw new StaleConnectionException();
            }
            connection.socket.setSoTimeout(remainingMillis(deadline));
            String status;
            try {
                status = connection.readLine();
            } catch (EOFException e) {
                throw new StaleConnectionException();
            } catch (java.net.SocketException e) {
                throw new StaleConnectionException();
            }
            int code = parseStatus(status);
            long length = -1;
            String contentType = null;
            boolean close = false;
            while (true) {
                String line = connection.readLine();
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
            byte[] answer;
            if (length >= 0) {
                answer = connection.readBody((int) length);
            } else {
                answer = connection.readToEnd();
                close = true;
            }
            keep = !close;
            return new UpstreamResponse(code, contentType, answer);
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

    /** Closes idle connections; requests in flight finish on theirs, which are then closed too. */
    @Override
    public void close() {
        closed = true;
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }
}
