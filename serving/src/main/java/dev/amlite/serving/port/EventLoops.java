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
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The threads that carry scoring traffic: one event loop per core, each serving its share of the scoring port's
 * client connections and the connections to the instances those clients' requests go to. A request is read,
 * forwarded, answered and mirrored on one thread, the way an nginx worker does it: no thread per connection, no
 * hand-off per request (measured in docs/benchmarks.md: half the added p99 of a thread per connection). Nothing
 * that blocks may run on these threads. Epoll where the platform has it, Java NIO elsewhere.
 */
public final class EventLoops implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group;
    /** The group's loops, for {@link #current()} on every upstream request without an iterator. */
    private final EventLoop[] loops;
    private final boolean epoll;

    private EventLoops(int threads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("scoring-loop", true), io);
        List<EventLoop> all = new ArrayList<>();
        group.forEach(executor -> all.add((EventLoop) executor));
        this.loops = all.toArray(EventLoop[]::new);
    }

    /** One loop per available processor. */
    public static EventLoops perCore() {
        return new EventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public static EventLoops of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("An event loop group has at least one thread, not " + threads);
        }
        return new EventLoops(threads);
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
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> clientChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends Channel> domainChannel() {
        return epoll ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
    }

    /** The address of a Unix domain socket, as this transport's {@link #domainChannel()} connects to it. */
    SocketAddress domainAddress(Path file) {
        return epoll ? new DomainSocketAddress(file.toString()) : UnixDomainSocketAddress.of(file);
    }

    /** Stops the loops; connections still open are closed. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
