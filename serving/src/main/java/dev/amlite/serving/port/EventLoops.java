package dev.amlite.serving.port;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that carry scoring traffic: one event loop per core, each serving its share of the scoring port's
 * client connections and the connections to the instances those clients' requests go to. A request is read,
 * forwarded, answered and mirrored on one thread, the way an nginx worker does it: no thread per connection, no
 * hand-off per request (measured in docs/benchmarks.md: half the added p99 of a thread per connection). Nothing
 * that blocks may run on these threads. The loops do their I/O through io_uring where the kernel allows it (a
 * loop submits its pending reads and writes together instead of one system call each: 0.7x the CPU per exchange of
 * epoll, half the router's CPU per request at saturation, docs/benchmarks.md), else through epoll, else through
 * Java NIO.
 */
public final class EventLoops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);

    /** How the loops wait for and do their I/O, in order of preference. */
    public enum Transport {
        IO_URING, EPOLL, NIO;

        boolean available() {
            return unavailability() == null;
        }

        /** Why this platform cannot use it, or null when it can. */
        Throwable unavailability() {
            return switch (this) {
                case IO_URING -> IoUring.unavailabilityCause();
                case EPOLL -> Epoll.unavailabilityCause();
                case NIO -> null;
            };
        }

        /** The option value that names it: io_uring, epoll, nio. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Transport ofLabel(String label) {
            for (Transport transport : values()) {
                if (transport.label().equals(label)) {
                    return transport;
                }
            }
            throw new IllegalArgumentException("'" + label + "' is not a transport; use io_uring, epoll or nio.");
        }

        /** This one if the platform has it, else the next in order of preference that it has (NIO at the last). */
        Transport orNextAvailable() {
            return available() ? this : values()[ordinal() + 1].orNextAvailable();
        }

        /** The first in order of preference that this platform has: what {@link EventLoops#of(int)} uses. */
        public static Transport best() {
            return IO_URING.orNextAvailable();
        }
    }

    private final MultiThreadIoEventLoopGroup group;
    /** The group's loops, for {@link #current()} on every upstream request without an iterator. */
    private final EventLoop[] loops;
    private final Transport transport;

    private EventLoops(int threads, Transport wanted) {
        this.transport = wanted.orNextAvailable();
        if (transport != wanted) {
            LOG.info("Scoring event loops: {} is not available here ({}); using {}", wanted.label(),
                    wanted.unavailability(), transport.label());
        }
        IoHandlerFactory io = switch (transport) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("scoring-loop", true), io);
        List<EventLoop> all = new ArrayList<>();
        group.forEach(executor -> all.add((EventLoop) executor));
        this.loops = all.toArray(EventLoop[]::new);
    }

    /** One loop per available processor, on {@code transport} or the next in order that this platform has. */
    public static EventLoops perCore(Transport transport) {
        return new EventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()), transport);
    }

    /** {@code threads} loops on the best transport this platform has. */
    public static EventLoops of(int threads) {
        return of(threads, Transport.best());
    }

    /** {@code threads} loops on {@code transport}, or on the next in order that this platform has. */
    public static EventLoops of(int threads, Transport transport) {
        if (threads < 1) {
            throw new IllegalArgumentException("An event loop group has at least one thread, not " + threads);
        }
        return new EventLoops(threads, transport);
    }

    /** The transport the loops really use. */
    public Transport transport() {
        return transport;
    }

    MultiThreadIoEventLoopGroup group() {
        return group;
    }

    /** The loop of the calling thread when it is one of these, else the next in turn. */
    EventLoop current() {
        for (EventLoop loop : loops) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return group.next();
    }

    Class<? extends ServerChannel> serverChannel() {
        return switch (transport) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    Class<? extends SocketChannel> clientChannel() {
        return switch (transport) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    Class<? extends Channel> domainChannel() {
        return switch (transport) {
            case IO_URING -> IoUringDomainSocketChannel.class;
            case EPOLL -> EpollDomainSocketChannel.class;
            case NIO -> NioDomainSocketChannel.class;
        };
    }

    /** The address of a Unix domain socket, as this transport's {@link #domainChannel()} connects to it. */
    SocketAddress domainAddress(Path file) {
        return transport == Transport.NIO ? UnixDomainSocketAddress.of(file) : new DomainSocketAddress(file.toString());
    }

    /** Stops the loops; connections still open are closed. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
