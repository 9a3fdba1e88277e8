package dev.amlite.serving.listener;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * The instances' HTTP/1.1 server (the Java inference server answers on it): one platform thread per connection,
 * blocking sockets, and nothing else, since the handler calls the user's {@code run()}, which blocks. Connections
 * are bounded ({@link ListenerSettings#maxConnections()}), kept-alive connections time out when idle, slow requests
 * time out, and heads and bodies have limits, so a client cannot hold threads or memory without bound. Request
 * heads follow the same {@link RequestHead} rules as the scoring port's.
 */
public final class InferenceListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceListener.class);
    private static final int OVERFLOW_ANSWERS = 16;
    private final ServerSocket server;
    private final ListenerSettings settings;
    private final Semaphore connections;
    private final Semaphore overflow = new Semaphore(OVERFLOW_ANSWERS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closed;
    private Thread acceptor;

    private InferenceListener(ServerSocket server, ListenerSettings settings) {
        this.server = server;
        this.settings = settings;
        this.connections = new Semaphore(settings.maxConnections());
    }

    /** Binds the port (TLS when {@code tls} is given); requests are taken once {@link #start} is called. */
    public static InferenceListener bind(ListenerSettings settings, SSLContext tls) throws IOException {
        requireNonNull(settings, "settings is null");
        ServerSocket socket;
        if (tls == null) {
            socket = new ServerSocket();
        } else {
            SSLServerSocket secure = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            String[] wanted = Arrays.stream(secure.getSupportedProtocols())
                    .filter(p -> p.equals("TLSv1.3") || p.equals("TLSv1.2")).toArray(String[]::new);
            secure.setEnabledProtocols(wanted);
            socket = secure;
        }
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(settings.host(), settings.port()), 1024);
        } catch (IOException e) {
            socket.close();
            throw new IOException("The inference port " + settings.host() + ":" + settings.port()
                    + " cannot be bound (" + e.getMessage() + "); choose another with --inference-port.", e);
        }
        return new InferenceListener(socket, settings);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Starts accepting connections; each is served by {@code handler} on its own thread. */
    public synchronized void start(InferenceHandler handler) {
        requireNonNull(handler, "handler is null");
        if (acceptor != null) {
            throw new IllegalStateException("The listener is already started");
        }
        acceptor = Thread.ofPlatform().name("inference-accept").daemon().start(() -> acceptLoop(handler));
    }

    private void acceptLoop(InferenceHandler handler) {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("Accepting a connection on the inference port failed: {}", e.toString());
                pause();
                continue;
            }
            if (connections.tryAcquire()) {
                open.add(socket);
                Thread.ofPlatform().name("inference-" + accepted.incrementAndGet()).daemon().start(() -> {
                    try {
                        new Connection(socket, settings, handler).run();
                    } finally {
                        open.remove(socket);
                        connections.release();
                        closeQuietly(socket);
                    }
                });
            } else if (overflow.tryAcquire()) {
                refused.incrementAndGet();
                Thread.ofPlatform().name("inference-refuse").daemon().start(() -> {
                    try {
                        refuse(socket);
                    } finally {
                        overflow.release();
                    }
                });
            } else {
                refused.incrementAndGet();
                closeQuietly(socket);
            }
        }
    }

    /** Over the connection limit: a 503 saying so, then the connection is closed. */
    private void refuse(Socket socket) {
        try (socket) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(HttpWire.tooManyConnections(settings.maxConnections()));
            out.flush();
        } catch (IOException ignored) {
            // the client went first
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Open client connections now. */
    public int openConnections() {
        return open.size();
    }

    /** Connections accepted so far. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections refused so far because {@link ListenerSettings#maxConnections()} were open. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Stops accepting and closes every open connection (a request in progress loses its client). */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(InferenceListener::closeQuietly);
        Thread thread = acceptor;
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.debug("Inference listener closed after {} connections", accepted.get());
    }
}
