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
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 client to one instance on this machine, over its Unix domain socket when it has one (the kernel
 * does less per message than for loopback TCP: measured in docs/benchmarks.md) or else its loopback port. Each
 * event loop keeps its own kept-alive connections to the instance, so a request posted from a loop (the scoring
 * port's connection that received it) is written, answered and completed on that loop without a thread hand-off;
 * a request posted from elsewhere (the main port) goes to a loop in turn. A request that outlives its deadline
 * closes its connection: the instance sees its client go and cancels the work, and the future fails with
 * {@link UpstreamTimeoutException}.
 */
public final class Upstream implements AutoCloseable {
    private static final int MAX_IDLE_PER_LOOP = 256;
    /** The largest answer taken from an instance; a larger one fails the request (502) rather than the memory. */
    private static final int MAX_ANSWER = 256 << 20;
    private final EventLoops loops;
    private final SocketAddress address;
    /** The Host header's value. */
    private final String authority;
    private final boolean local;
    private final int port;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** To the instance on {@code host}'s TCP {@code port}. */
    public Upstream(EventLoops loops, String host, int port) {
        this.loops = loops;
        this.address = new InetSocketAddress(host, port);
        this.authority = host + ":" + port;
        this.local = false;
        this.port = port;
    }

    /** To the instance listening on the Unix domain socket {@code file}; {@code port} names it in messages. */
    public Upstream(EventLoops loops, Path file, int port) {
        this.loops = loops;
        this.address = loops.domainAddress(file);
        this.authority = "localhost";
        this.local = true;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** Whether this goes through a Unix domain socket. */
    public boolean local() {
        return local;
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
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
        if (local) {
            bootstrap.channel(loops.domainChannel());
        } else {
            bootstrap.channel(loops.clientChannel()).option(ChannelOption.TCP_NODELAY, true);
        }
        bootstrap
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new Answering(loop));
                    }
                })
                .connect(address).addListener((ChannelFuture connected) -> {
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
        Answering answering = channel.pipeline().get(Answering.class);
        answering.begin(exchange);
        // Head and body in one pooled direct buffer, the head written into it as text: no String, no heap copy.
        StringBuilder head = answering.requestHead;
        head.setLength(0);
        head.append("POST ").append(exchange.path).append(" HTTP/1.1\r\nHost: ").append(authority)
                .append("\r\nContent-Length: ").append(exchange.body.length).append("\r\n");
        exchange.headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        ByteBuf out = channel.alloc().ioBuffer(head.length() + exchange.body.length);
        out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        out.writeBytes(exchange.body);
        channel.writeAndFlush(out).addListener(written -> {
            if (!written.isSuccess()) {
                channel.close(); // what became of the exchange is decided when the channel goes inactive
            }
        });
    }

    /**
     * The connection's one handler: knows the exchange it carries, reads the instance's answer (status line, headers,
     * a body by Content-Length, or until the instance closes when it gives none), completes the exchange and puts
     * the connection back in its loop's pool. A connection lost before any byte of answer may be retried, since the
     * instance cannot have started to answer on it. Instances are amlite's own servers; this reads what they send,
     * not every form HTTP/1.1 allows (no chunked answers, no interim 1xx).
     */
    private final class Answering extends ChannelInboundHandlerAdapter {
        private static final int MAX_HEAD = 64 * 1024;
        private final EventLoop loop;
        private Exchange current;
        private boolean answerStarted;
        private ByteBuf received = Unpooled.EMPTY_BUFFER;
        /** Parsed from the head once it is whole; -1 status: the head has not come yet. */
        private int status = -1;
        private long length;
        private String contentType;
        private boolean modelStatus;
        private boolean close;
        /** The last Content-Type answered on this connection. */
        private String lastContentType;
        /** The request head being written (reused: one exchange at a time on a connection). */
        final StringBuilder requestHead = new StringBuilder(256);

        Answering(EventLoop loop) {
            this.loop = loop;
        }

        void begin(Exchange exchange) {
            current = exchange;
            answerStarted = false;
            status = -1;
        }

        Exchange finish() {
            Exchange done = current;
            current = null;
            return done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof ByteBuf bytes)) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (current == null) {
                bytes.release();
                ctx.close(); // an answer nobody asked for: the stream cannot be trusted
                return;
            }
            answerStarted = true;
            received = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received, bytes);
            try {
                if (status < 0 && !head()) {
                    return;
                }
                if (length >= 0 && received.readableBytes() >= length) {
                    if (received.readableBytes() > length) {
                        throw new IOException("The instance sent more than its answer's Content-Length");
                    }
                    complete(ctx);
                } else if (received.readableBytes() > MAX_ANSWER) {
                    throw new IOException("The answer is larger than " + MAX_ANSWER + " bytes");
                }
            } catch (IOException e) {
                fail(ctx, e);
            }
        }

        /**
         * Parses the head when it is all there; false until then. Read from the bytes in place: only a Content-Type
         * other than the last one seen on this connection becomes a new String (an instance answers the same one).
         */
        private boolean head() throws IOException {
            int start = received.readerIndex();
            int headEnd = HeadEnd.find(received, start, received.writerIndex());
            if (headEnd < 0) {
                if (received.readableBytes() > MAX_HEAD) {
                    throw new IOException("The answer's head is larger than " + MAX_HEAD + " bytes");
                }
                return false;
            }
            int lineEnd = received.indexOf(start, headEnd, (byte) '\n');
            int statusEnd = trimEnd(start, lineEnd);
            if (statusEnd - start < 12 || !startsWith(start, "HTTP/1.")) {
                throw new IOException("The instance answered something that is not HTTP: " + text(start, statusEnd));
            }
            int code = 0;
            for (int i = start + 9; i < start + 12; i++) {
                byte digit = received.getByte(i);
                if (digit < '0' || digit > '9') {
                    throw new IOException("The instance answered a malformed status line: " + text(start, statusEnd));
                }
                code = code * 10 + digit - '0';
            }
            status = code;
            length = -1;
            contentType = null;
            modelStatus = false;
            close = received.getByte(start + 7) == '0'; // HTTP/1.0
            for (int from = lineEnd + 1; from < headEnd; from = lineEnd + 1) {
                lineEnd = received.indexOf(from, headEnd, (byte) '\n');
                int colon = received.indexOf(from, lineEnd, (byte) ':');
                if (colon <= from) {
                    continue; // the empty last line, or not a header
                }
                int nameEnd = trimEnd(from, colon);
                int valueStart = colon + 1;
                int valueEnd = trimEnd(valueStart, lineEnd);
                while (valueStart < valueEnd && (received.getByte(valueStart) & 0xFF) <= ' ') {
                    valueStart++;
                }
                if (nameIs(from, nameEnd, "content-length")) {
                    length = digits(valueStart, valueEnd);
                    if (length < 0) {
                        throw new IOException("The instance answered a malformed Content-Length: "
                                + text(valueStart, valueEnd));
                    }
                } else if (nameIs(from, nameEnd, "content-type")) {
                    contentType = contentType(valueStart, valueEnd);
                } else if (nameIs(from, nameEnd, "connection")) {
                    close = nameIs(valueStart, valueEnd, "close");
                } else if (nameIs(from, nameEnd, "x-amlite-model-status")) {
                    modelStatus = true;
                } else if (nameIs(from, nameEnd, "transfer-encoding")) {
                    throw new IOException("The instance answered with Transfer-Encoding " + text(valueStart, valueEnd)
                            + ", not supported");
                }
            }
            received.readerIndex(headEnd);
            if (length > MAX_ANSWER) {
                throw new IOException("The answer is larger than " + MAX_ANSWER + " bytes");
            }
            if (length < 0) {
                close = true; // the body ends when the instance closes the connection
            }
            return true;
        }

        /** Where [from, to) ends without its trailing whitespace (the CR of a CRLF among it). */
        private int trimEnd(int from, int to) {
            while (to > from && (received.getByte(to - 1) & 0xFF) <= ' ') {
                to--;
            }
            return to;
        }

        private boolean startsWith(int at, String ascii) {
            for (int i = 0; i < ascii.length(); i++) {
                if ((received.getByte(at + i) & 0xFF) != ascii.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether [from, to) is {@code lowerCase} in any case. */
        private boolean nameIs(int from, int to, String lowerCase) {
            if (to - from != lowerCase.length()) {
                return false;
            }
            for (int i = 0; i < lowerCase.length(); i++) {
                int b = received.getByte(from + i);
                if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerCase.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** The decimal number [from, to) holds (at most 18 digits), or -1 when it is not one. */
        private long digits(int from, int to) {
            if (to <= from || to - from > 18) {
                return -1;
            }
            long value = 0;
            for (int i = from; i < to; i++) {
                byte digit = received.getByte(i);
                if (digit < '0' || digit > '9') {
                    return -1;
                }
                value = value * 10 + digit - '0';
            }
            return value;
        }

        private String contentType(int from, int to) {
            if (lastContentType != null && lastContentType.length() == to - from && startsWith(from, lastContentType)) {
                return lastContentType; // byte for byte the same as last time
            }
            lastContentType = text(from, to);
            return lastContentType;
        }

        private String text(int from, int to) {
            return received.toString(from, to - from, StandardCharsets.ISO_8859_1);
        }

        private void complete(ChannelHandlerContext ctx) {
            Exchange exchange = finish();
            byte[] body = ByteBufUtil.getBytes(received);
            received.release();
            received = Unpooled.EMPTY_BUFFER;
            if (exchange.deadline != null) {
                exchange.deadline.cancel(false);
            }
            if (!close && !closed && !exchange.result.isDone()) {
                ArrayDeque<Channel> pool = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
                if (pool.size() < MAX_IDLE_PER_LOOP) {
                    pool.addFirst(ctx.channel());
                } else {
                    ctx.close();
                }
            } else {
                ctx.close();
            }
            exchange.result.complete(new UpstreamResponse(status, contentType, body, modelStatus));
        }

        private void fail(ChannelHandlerContext ctx, IOException why) {
            Exchange failed = finish();
            if (failed != null) {
                failed.fail(new IOException("The answer of the instance on port " + port + " could not be read: "
                        + why.getMessage(), why));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ArrayDeque<Channel> pool = idle.get(loop);
            if (pool != null) {
                pool.remove(ctx.channel());
            }
            if (current != null && status >= 0 && length < 0) {
                complete(ctx); // an answer without Content-Length ends here
            }
            received.release();
            received = Unpooled.EMPTY_BUFFER;
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
            fail(ctx, cause instanceof IOException io ? io : new IOException(cause.toString(), cause));
        }
    }

    /** Closes every connection; requests in flight fail. */
    @Override
    public void close() {
        closed = true;
        open.forEach(Channel::close);
    }
}
