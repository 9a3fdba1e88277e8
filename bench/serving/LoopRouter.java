package bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A reference, not part of amlite: the least an event-loop router in Java does for part 7's configuration (key
 * check in constant time, a 90/10 split, 10 % of requests copied to a shadow once the client has its answer, a
 * request id, the deployment header, a deadline per request), on Netty with epoll and one event loop per core.
 * Each client connection and the backend connections it uses belong to one loop, so a request is read, forwarded,
 * answered and copied without leaving its thread. It was written to answer one question before amlite's scoring
 * port moved to event loops: on this machine, what does that architecture give a Java router? It stays as the
 * yardstick of the least such a router does (amlite does more per request: the route table, tokens, bandwidth,
 * metrics, the request log).
 *
 * <p>Arguments: port key bluePort greenPort shadowPort [threads].
 */
public final class LoopRouter {
    private static final int TIMEOUT_MS = 5000;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] key = ("Bearer " + args[1]).getBytes(StandardCharsets.US_ASCII);
        int blue = Integer.parseInt(args[2]);
        int green = Integer.parseInt(args[3]);
        int shadow = Integer.parseInt(args[4]);
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : Runtime.getRuntime().availableProcessors();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(4096, 65536, 8192),
                                new HttpObjectAggregator(1 << 20), new Front(key, blue, green, shadow));
                    }
                }).bind("127.0.0.1", port).sync();
        System.out.println("LoopRouter listening on " + port + " with " + threads + " event loops");
        Thread.currentThread().join();
    }

    /** Idle backend connections of one event loop, by port; touched only on that loop's thread. */
    private static final ThreadLocal<Map<Integer, ArrayDeque<Channel>>> IDLE = ThreadLocal.withInitial(HashMap::new);

    /** What a backend connection is waiting for: the answer's consumer and the deadline's timer. */
    private static final class Waiting {
        Consumer<FullHttpResponse> done;
        ScheduledFuture<?> deadline;
    }

    private static final class Back extends SimpleChannelInboundHandler<FullHttpResponse> {
        final Waiting waiting = new Waiting();
        final int port;

        Back(int port) {
            this.port = port;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Consumer<FullHttpResponse> done = waiting.done;
            waiting.done = null;
            if (waiting.deadline != null) {
                waiting.deadline.cancel(false);
            }
            if (HttpUtil.isKeepAlive(response)) {
                IDLE.get().computeIfAbsent(port, p -> new ArrayDeque<>()).addFirst(ctx.channel());
            } else {
                ctx.close();
            }
            if (done != null) {
                done.accept(response);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ArrayDeque<Channel> idle = IDLE.get().get(port);
            if (idle != null) {
                idle.remove(ctx.channel());
            }
            fail();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        void fail() {
            Consumer<FullHttpResponse> done = waiting.done;
            waiting.done = null;
            if (done != null) {
                waiting.deadline.cancel(false);
                done.accept(null);
            }
        }
    }

    /** Sends {@code body} to the backend on {@code port} from {@code loop}; {@code done} gets the answer or null. */
    static void forward(EventLoop loop, int port, byte[] body, String requestId, Consumer<FullHttpResponse> done) {
        ArrayDeque<Channel> idle = IDLE.get().get(port);
        Channel pooled = idle == null ? null : idle.pollFirst();
        if (pooled != null && pooled.isActive()) {
            write(pooled, port, body, requestId, done);
            return;
        }
        new Bootstrap().group(loop).channel(EpollSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new Back(port));
                    }
                }).connect("127.0.0.1", port).addListener(f -> {
                    if (f.isSuccess()) {
                        write(((io.netty.channel.ChannelFuture) f).channel(), port, body, requestId, done);
                    } else {
                        done.accept(null);
                    }
                });
    }

    private static void write(Channel channel, int port, byte[] body, String requestId,
                              Consumer<FullHttpResponse> done) {
        Back back = channel.pipeline().get(Back.class);
        back.waiting.done = done;
        back.waiting.deadline = channel.eventLoop().schedule(() -> {
            channel.close(); // the instance sees its client go
        }, TIMEOUT_MS, TimeUnit.MILLISECONDS);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/score",
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port)
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("x-request-id", requestId)
                .set("x-amlite-timeout-ms", TIMEOUT_MS); // as amlite sends it: the instance sets the same deadline
        channel.writeAndFlush(request);
    }

    private static final class Front extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final byte[] key;
        private final int blue;
        private final int green;
        private final int shadow;
        private long turn;

        Front(byte[] key, int blue, int green, int shadow) {
            this.key = key;
            this.blue = blue;
            this.green = green;
            this.shadow = shadow;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (authorization == null
                    || !MessageDigest.isEqual(authorization.getBytes(StandardCharsets.US_ASCII), key)) {
                answer(ctx, HttpResponseStatus.UNAUTHORIZED, null, "{}".getBytes(), null, keepAlive, null);
                return;
            }
            byte[] body = new byte[request.content().readableBytes()];
            request.content().readBytes(body);
            long n = turn++;
            boolean toBlue = n % 10 != 9;
            boolean copy = ThreadLocalRandom.current().nextInt(100) < 10;
            String requestId = UUID.randomUUID().toString();
            String deployment = toBlue ? "blue" : "green";
            forward(ctx.channel().eventLoop(), toBlue ? blue : green, body, requestId, response -> {
                Runnable afterward = copy ? () -> forward(ctx.channel().eventLoop(), shadow, body,
                        requestId + "-mirror", ignored -> { }) : null;
                if (response == null) {
                    answer(ctx, HttpResponseStatus.BAD_GATEWAY, deployment, "{}".getBytes(), requestId, keepAlive,
                            afterward);
                } else {
                    byte[] out = new byte[response.content().readableBytes()];
                    response.content().readBytes(out);
                    answer(ctx, response.status(), deployment, out, requestId, keepAlive, afterward);
                }
            });
        }

        private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String deployment,
                                   byte[] body, String requestId, boolean keepAlive, Runnable afterward) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (requestId != null) {
                response.headers().set("x-request-id", requestId);
            }
            if (deployment != null) {
                response.headers().set("azureml-model-deployment", deployment);
            }
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, "close");
            }
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(f -> ctx.close());
            }
            if (afterward != null) {
                written.addListener(f -> afterward.run());
            }
        }
    }
}
