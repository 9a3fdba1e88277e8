package dev.amlite.serving.port;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 client to one instance on the loopback interface. Each event loop keeps its own kept-alive
 * connections to the instance, so a request posted from a loop (the scoring port's connection that received it)
 * is written, answered and completed on that loop without a thread hand-off; a request posted from elsewhere (the
 * main port) goes to a loop in turn. A request that outlives its deadline closes its connection: the instance sees
 * its client go and cancels the work, and the future fails with {@link UpstreamTimeoutException}.
 */
public final class Upstream implements AutoCloseable {
    private static final int MAX_IDLE_PER_LOOP = 256;
    /** The largest answer taken from an instance; a larger one fails the request (502) rather than the memory. */
    private static final int MAX_ANSWER = 256 << 20;
    private final EventLoops loops;
    private final String host;
    private final int port;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public Upstream(EventLoops loops, String host, int port) {
        this.loops = loops;
        this.host = host;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /**
     * POSTs {@code body} to {@code path}; the future completes with the whole answer, or fails with
     * {@link UpstreamTimeoutException} after {@code timeoutNanos} or with another IOException when the instance
     * cannot be reached or closes the connection without answering. A kept-alive connection the instance had
     * closed meanwhile (it restarted, or let an idle one go) is noticed before a byte of answer: such a request is
     * sent once more on a new connection.
     */
    public CompletableFuture<UpstreamResponse> post(String path, Map<String, String> headers, byte[] body,
                                                    long timeoutNanos) {
        Exchange exchange = new Exchange(path, headers, body);
        if (closed) {
            exchange.result.completeExceptionally(new IOException("The client to port " + port + " is closed"));
            return exchange.result;
        }
        EventLoop loop = loops.current();
        if (loop.inEventLoop()) {
            start(loop, exchange, timeoutNanos);
        } else {
            loop.execute(() -> start(loop, exchange, timeoutNanos));
        }
        return exchange.result;
    }

    /** One request and what became of it; touched only on its loop. */
    private static final class Exchange {
        final String path;
        final Map<String, String> headers;
        final byte[] body;
        final CompletableFuture<UpstreamResponse> result = new CompletableFuture<>();
        ScheduledFuture<?> deadline;
        Channel channel;
        boolean resent;

        Exchange(String path, Map<String, String> headers, byte[] body) {
            this.path = path;
            this.headers = headers;
            this.body = body;
        }

        void fail(IOException why) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            result.completeExceptionally(why);
        }
    }

    private void start(EventLoop loop, Exchange exchange, long timeoutNanos) {
        exchange.deadline = loop.schedule(() -> {
            if (!exchange.result.isDone()) {
                exchange.result.completeExceptionally(new UpstreamTimeoutException("The instance on port " + port
                        + " did not answer in time"));
                Channel channel = exchange.channel;
                if (channel != null) {
                    channel.close(); // the instance sees its client go and cancels the work
                }
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        ArrayDeque<Channel> pool = idle.get(loop);
        Channel pooled;
        while (pool != null && (pooled = pool.pollFirst()) != null) {
            if (pooled.isActive()) {
                send(pooled, exchange);
                return;
            }
        }
        connect(loop, exchange);
    }

    private void connect(EventLoop loop, Exchange exchange) {
        new Bootstrap().group(loop).channel(loops.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new Answering(loop), new HttpClientCodec(4096, 16 * 1024, 64 * 1024),
                                new HttpObjectAggregator(MAX_ANSWER), new Answered(loop));
                    }
                })
                .connect(host, port).addListener((ChannelFuture connected) -> {
                    if (!connected.isSuccess()) {
                        exchange.fail(new IOException("The instance on port " + port + " cannot be reached: "
                                + connected.cause().getMessage(), connected.cause()));
                    } else if (exchange.result.isDone() || closed) { // timed out while connecting, or shut down
                        connected.channel().close();
                    } else {
                        open.add(connected.channel());
                        connected.channel().closeFuture().addListener(f -> open.remove(connected.channel()));
                        send(connected.channel(), exchange);
                    }
                });
    }

    private void send(Channel channel, Exchange exchange) {
        exchange.channel = channel;
        channel.pipeline().get(Answering.class).begin(exchange);
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                exchange.path, Unpooled.wrappedBuffer(exchange.body));
        request.headers().set(HttpHeaderNames.HOST, host + ":" + port)
                .set(HttpHeaderNames.CONTENT_LENGTH, exchange.body.length);
        exchange.headers.forEach((name, value) -> request.headers().set(name, value));
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                channel.close(); // what became of the exchange is decided when the channel goes inactive
            }
        });
    }

    /**
     * First in the pipeline: knows the exchange the connection carries and whether any byte of its answer came
     * (a connection lost before one may be retried, since the instance cannot have started to answer).
     */
    private final class Answering extends ChannelInboundHandlerAdapter {
        private final EventLoop loop;
        private Exchange current;
        private boolean answerStarted;

        Answering(EventLoop loop) {
            this.loop = loop;
        }

        void begin(Exchange exchange) {
            current = exchange;
            answerStarted = false;
        }

        Exchange finish() {
            Exchange done = current;
            current = null;
            return done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof ByteBuf bytes && bytes.isReadable()) {
                if (current == null) {
                    ReferenceCountUtil.release(message);
                    ctx.close(); // an answer nobody asked for: the stream cannot be trusted
                    return;
                }
                answerStarted = true;
            }
            ctx.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ArrayDeque<Channel> pool = idle.get(loop);
            if (pool != null) {
                pool.remove(ctx.channel());
            }
            Exchange lost = finish();
            if (lost != null && !lost.result.isDone()) {
                if (!answerStarted && !lost.resent && !closed) {
                    lost.resent = true;
                    lost.channel = null;
                    connect(loop, lost);
                } else {
                    lost.fail(new EOFException("The instance on port " + port
                            + " closed the connection without answering"));
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange failed = finish();
            if (failed != null) {
                failed.fail(new IOException("The answer of the instance on port " + port + " could not be read: "
                        + cause.getMessage(), cause));
            }
            ctx.close();
        }
    }

    /** Last in the pipeline: a whole answer, handed to its exchange; the connection goes back to its loop's pool. */
    private final class Answered extends ChannelInboundHandlerAdapter {
        private final EventLoop loop;

        Answered(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (!(message instanceof FullHttpResponse response)) {
                    return;
                }
                Exchange exchange = ctx.pipeline().get(Answering.class).finish();
                if (exchange == null) {
                    ctx.close();
                    return;
                }
                if (exchange.deadline != null) {
                    exchange.deadline.cancel(false);
                }
                if (response.decoderResult().isFailure()) {
                    exchange.fail(new IOException("The instance on port " + port + " answered malformed HTTP: "
                            + response.decoderResult().cause().getMessage()));
                    ctx.close();
                    return;
                }
                byte[] body = ByteBufUtil.getBytes(response.content());
                String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
                if (HttpUtil.isKeepAlive(response) && !closed && !exchange.result.isDone()) {
                    ArrayDeque<Channel> pool = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
                    if (pool.size() < MAX_IDLE_PER_LOOP) {
                        pool.addFirst(ctx.channel());
                    } else {
                        ctx.close();
                    }
                } else {
                    ctx.close();
                }
                exchange.result.complete(new UpstreamResponse(response.status().code(), contentType, body));
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }

    /** Closes every connection; requests in flight fail. */
    @Override
    public void close() {
        closed = true;
        open.forEach(Channel::close);
    }
}
