package dev.amlite.serving.listener;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * blocking sockets, and nothing else, since the handler calls the user's {@code run()}, which blocks. It listens on
 * a TCP port ({@link #bind}) or on a Unix domain socket ({@link #bindLocal}), which the router uses where it can: on
 * the same machine it costs the kernel less per message than loopback TCP. Connections are bounded
 * ({@link ListenerSettings#maxConnections()}), kept-alive connections time out when idle, slow requests time out,
 * and heads and bodies have limits, so a client cannot hold threads or memory without bound. Request heads follow
 * the same {@link RequestHead} rules as the scoring port's.
 */
public final class InferenceListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceListener.class);
    private static final int OVERFLOW_ANSWERS = 16;
    private final Door door;
    private final ListenerSettings settings;
    private final Semaphore connections;
    private final Semaphore overflow = new Semaphore(OVERFLOW_ANSWERS);
    private final Set<Peer> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final ReadTimer timer = new ReadTimer("inference-timeouts");
    private volatile boolean closed;
    private Thread acceptor;

    /** The bound socket: where connections come from. */
    private sealed interface Door extends Closeable {
        Peer accept() throws IOException;

        /** The TCP port, or -1. */
        int port();

        /** The Unix domain socket's file, or null. */
        Path file();
    }

    private record TcpDoor(ServerSocket socket) implements Door {
        @Override
        public Peer accept() throws IOException {
            Socket accepted = socket.accept();
            try {
                accepted.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(accepted);
                throw e;
            }
            return new Peer.Tcp(accepted);
        }

        @Override
        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public Path file() {
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private record UnixDoor(ServerSocketChannel channel, Path file) implements Door {
        @Override
        public Peer accept() throws IOException {
            return new Peer.Unix(channel.accept());
        }

        @Override
        public int port() {
            return -1;
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private InferenceListener(Door door, ListenerSettings settings) {
        this.door = door;
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
        return new InferenceListener(new TcpDoor(socket), settings);
    }

    /**
     * Binds a Unix domain socket at {@code file} (replacing a stale one left by a process that was killed), readable
     * and writable by this user only; the settings' host and port are not used.
     */
    public static InferenceListener bindLocal(Path file, ListenerSettings settings) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(settings, "settings is null");
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            Files.deleteIfExists(file);
            channel.bind(UnixDomainSocketAddress.of(file), 1024);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the folder it is in is what protects it
            }
        } catch (IOException e) {
            channel.close();
            throw new IOException("The local socket " + file + " cannot be bound: " + e.getMessage(), e);
        }
        return new InferenceListener(new UnixDoor(channel, file), settings);
    }

    /** The TCP port; -1 for a Unix domain socket. */
    public int port() {
        return door.port();
    }

    /** The Unix domain socket's file; null for a TCP port. */
    public Path socketFile() {
        return door.file();
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
            Peer peer;
            try {
                peer = door.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("Accepting a connection on the inference port failed: {}", e.toString());
                pause();
                continue;
            }
            if (connections.tryAcquire()) {
                open.add(peer);
                Thread.ofPlatform().name("inference-" + accepted.incrementAndGet()).daemon().start(() -> {
                    try (ReadTimer.Watch watch = timer.watch(peer)) {
                        new Connection(peer, watch, settings, handler).run();
                    } finally {
                        open.remove(peer);
                        connections.release();
                        peer.close();
                    }
                });
            } else if (overflow.tryAcquire()) {
                refused.incrementAndGet();
                Thread.ofPlatform().name("inference-refuse").daemon().start(() -> {
                    try {
                        refuse(peer);
                    } finally {
                        overflow.release();
                    }
                });
            } else {
                refused.incrementAndGet();
                peer.close();
            }
        }
    }

    /** Over the connection limit: a 503 saying so, then the connection is closed. */
    private void refuse(Peer peer) {
        try {
            OutputStream out = peer.output();
            out.write(HttpWire.tooManyConnections(settings.maxConnections()));
            out.flush();
        } catch (IOException ignored) {
            // the client went first
        } finally {
            peer.close();
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
            door.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(Peer::close);
        timer.close();
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
