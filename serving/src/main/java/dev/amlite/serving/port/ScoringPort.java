package dev.amlite.serving.port;

import dev.amlite.serving.listener.HttpWire;
import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.listener.ListenerSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * The scoring port: HTTP/1.1 (over TLS unless the server runs plain) on the {@link EventLoops}, each connection
 * served by its loop from the first byte of a request to the last byte of its answer. Connections are bounded
 * ({@link ListenerSettings#maxConnections()}; one more is answered 503), kept-alive connections time out when
 * idle, slow requests time out with 408, and heads and bodies have limits, so a client cannot hold memory without
 * bound. It knows nothing of endpoints: each request goes to the {@link ScoringHandler}.
 */
public final class ScoringPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringPort.class);
    private static final AttributeKey<Boolean> OVER_LIMIT = AttributeKey.valueOf("amlite.overLimit");
    private final ListenerSettings settings;
    private final EventLoops loops;
    private final SSLContext tls;
    private final AtomicReference<ScoringHandler> handler = new AtomicReference<>();
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counted = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Channel server;

    private ScoringPort(ListenerSettings settings, EventLoops loops, SSLContext tls) throws IOException {
        this.settings = settings;
        this.loops = loops;
        this.tls = tls;
        try {
            this.server = new ServerBootstrap().group(loops.group()).channel(loops.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .handler(new Counting())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            admit(channel);
                        }
                    })
                    .bind(new InetSocketAddress(settings.host(), settings.port())).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new IOException("The inference port " + settings.host() + ":" + settings.port()
                    + " cannot be bound (" + e.getMessage() + "); choose another with --inference-port.", e);
        }
    }

    /** Binds the port (TLS when {@code tls} is given); requests are taken once {@link #start} is called. */
    public static ScoringPort bind(ListenerSettings settings, EventLoops loops, SSLContext tls) throws IOException {
        requireNonNull(settings, "settings is null");
        requireNonNull(loops, "loops is null");
        return new ScoringPort(settings, loops, tls);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Starts answering with {@code handler}. */
    public void start(ScoringHandler handler) {
        requireNonNull(handler, "handler is null");
        if (!this.handler.compareAndSet(null, handler)) {
            throw new IllegalStateException("The scoring port is already started");
        }
    }

    /**
     * On the listening channel, in the order connections were accepted (each new connection is then set up on its
     * own loop, in no set order): decides which are over the limit, so the first ones in are the ones kept.
     */
    private final class Counting extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof Channel channel) {
                if (counted.incrementAndGet() > settings.maxConnections()) {
                    counted.decrementAndGet();
                    refused.incrementAndGet();
                    channel.attr(OVER_LIMIT).set(Boolean.TRUE);
                } else {
                    accepted.incrementAndGet();
                    channel.closeFuture().addListener(f -> counted.decrementAndGet());
                }
            }
            ctx.fireChannelRead(message);
        }
    }

    private void admit(Channel channel) {
        if (channel.hasAttr(OVER_LIMIT)) {
            channel.pipeline().addLast(new Refuser());
            return;
        }
        open.add(channel);
        channel.closeFuture().addListener(f -> open.remove(channel));
        if (tls != null) {
            SSLEngine engine = tls.createSSLEngine();
            engine.setUseClientMode(false);
            engine.setEnabledProtocols(Arrays.stream(engine.getSupportedProtocols())
                    .filter(p -> p.equals("TLSv1.3") || p.equals("TLSv1.2")).toArray(String[]::new));
            channel.pipeline().addLast(new SslHandler(engine));
        }
        channel.pipeline().addLast(new PortConnection(settings, this::dispatch));
    }

    /** To the handler; a request that comes before {@link #start} (the server is still starting) is told so. */
    private CompletionStage<InferenceReply> dispatch(ScoringRequest request) {
        ScoringHandler started = handler.get();
        if (started != null) {
            return started.handle(request);
        }
        return CompletableFuture.completedFuture(new InferenceReply(503, Map.of("Content-Type", "application/json"),
                HttpWire.errorJson("ServiceUnavailable", "The scoring port is starting; retry in a moment.")));
    }

    /** Over the connection limit: a 503 saying so, then the connection is closed. */
    private final class Refuser extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(HttpWire.tooManyConnections(settings.maxConnections())))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            io.netty.util.ReferenceCountUtil.release(message);
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
        server.close().awaitUninterruptibly();
        open.forEach(Channel::close);
        LOG.debug("Scoring port closed after {} connections", accepted.get());
    }
}
