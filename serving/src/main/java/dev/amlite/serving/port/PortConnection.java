package dev.amlite.serving.port;

import dev.amlite.serving.listener.BodyTooLargeException;
import dev.amlite.serving.listener.HttpWire;
import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.listener.ListenerSettings;
import dev.amlite.serving.listener.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the scoring port, on its event loop: requests are decoded as their bytes arrive, handed
 * to the handler one at a time (pipelined ones wait their turn), and each answer is written in one flush, after
 * which the handler's follow-up work runs. Anything malformed, too large or too slow is answered with its status
 * and a JSON error saying what was wrong, and the connection is closed, since the rest of the stream can no longer
 * be trusted to start at a request.
 */
final class PortConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PortConnection.class);
    /** A body nobody asked for is skipped to keep the connection when at most this much of it is left. */
    private static final long DRAIN_LIMIT = 64 * 1024;
    /** Decoded requests waiting behind the current one before the connection stops reading. */
    private static final int MAX_QUEUED = 16;
    /** What a connection closing with unread input still reads (and drops) so that its last answer is not reset. */
    private static final long LINGER_BYTES = 64L << 20;
    private static final long LINGER_NANOS = 5_000_000_000L;

    private final ListenerSettings settings;
    private final ScoringHandler handler;
    private final RequestDecoder decoder;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private String clientAddress = "unknown";
    private ByteBuf cumulation = Unpooled.EMPTY_BUFFER;
    private Exchange current;
    /** The answered request's body is still arriving: its parts are dropped until the last. */
    private boolean discarding;
    private boolean closing;
    private long lingerLeft;
    private long lingerUntil;
    private long lastRead = System.nanoTime();
    private ScheduledFuture<?> timer;
    /** The answer head being written (reused: one connection answers one request at a time, on its loop). */
    private final StringBuilder headText = new StringBuilder(256);

    PortConnection(ListenerSettings settings, ScoringHandler handler) {
        this.settings = settings;
        this.handler = handler;
        this.decoder = new RequestDecoder(settings.maxHead());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
            clientAddress = remote.getAddress().getHostAddress();
        }
        arm(checkEvery());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(message);
            return;
        }
        lastRead = System.nanoTime();
        if (closing) {
            lingerLeft -= bytes.readableBytes();
            bytes.release();
            if (lingerLeft <= 0) {
                ctx.close();
            }
            return;
        }
        cumulation = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, bytes);
        decoder.decode(cumulation, queued);
        if (!cumulation.isReadable()) {
            cumulation.release();
            cumulation = Unpooled.EMPTY_BUFFER;
        } else if (cumulation.refCnt() == 1) {
            // Compacting moves the kept bytes to the buffer's start: only when no body part still points into it
            // (a retained slice would then read the next request's bytes instead of its own).
            cumulation.discardSomeReadBytes();
        }
        drain();
    }

    /** Takes decoded messages in order: body parts at once, the next request once the current one is answered. */
    private void drain() {
        while (!closing) {
            Object next = queued.peek();
            if (next == null) {
                break;
            }
            if (next instanceof RequestDecoder.Part part) {
                queued.poll();
                part(part);
            } else if (next instanceof RequestDecoder.Broken broken && current != null) {
                queued.poll();
                current.fail(new IOException(broken.why())); // the handler answers; then the connection closes
            } else if (current != null) {
                break; // a pipelined request: its turn comes after the answer
            } else if (next instanceof RequestHead head) {
                queued.poll();
                begin(head);
            } else if (next instanceof RequestHead.Refusal refusal) {
                queued.poll();
                refuse(refusal.status(), refusal.code(), refusal.getMessage());
            } else if (next instanceof RequestDecoder.Broken broken) {
                queued.poll();
                ctx.close(); // a body nobody asked for turned out malformed: nothing more can be read
                LOG.trace("Scoring connection from {} closed: {}", clientAddress, broken.why());
            }
        }
        if (!closing) {
            boolean read = queued.size() < MAX_QUEUED && (current == null || current.wanted
                    || current.received < DRAIN_LIMIT);
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void begin(RequestHead head) {
        Exchange exchange = new Exchange(head);
        current = exchange;
        CompletionStage<InferenceReply> stage;
        try {
            stage = handler.handle(exchange);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((reply, failure) -> {
            if (ctx.executor().inEventLoop()) {
                answer(exchange, reply, failure);
            } else {
                ctx.executor().execute(() -> answer(exchange, reply, failure));
            }
        });
    }

    private void part(RequestDecoder.Part part) {
        Exchange exchange = current;
        if (exchange == null) { // the rest of an answered request's body
            part.bytes().release();
            if (part.last() && discarding) {
                discarding = false;
            }
            return;
        }
        exchange.take(part);
    }

    /** The handler's answer to {@code exchange}: written, then its follow-up work, then the next request. */
    private void answer(Exchange exchange, InferenceReply reply, Throwable failure) {
        if (exchange != current || closing || !ctx.channel().isActive()) {
            if (reply != null) {
                runAfterward(reply); // the client is gone; the follow-up is the router's own business
            }
            return;
        }
        if (failure != null || reply == null) {
            Throwable cause = Stages.cause(failure);
            LOG.error("The scoring handler failed on {} {}", exchange.head.method(), exchange.head.path(), cause);
            reply = HttpWire.internalError(cause);
        }
        RequestHead head = exchange.head;
        boolean unread = false;
        boolean close = false;
        if (!exchange.complete) {
            long left = head.chunked() ? Long.MAX_VALUE : head.length() - exchange.received;
            if (exchange.tooLarge || exchange.broken || head.chunked() || head.expectContinue() || left > DRAIN_LIMIT) {
                unread = true;
                close = true;
            } else {
                discarding = true;
            }
        } else if (exchange.broken) {
            close = true;
        }
        exchange.release();
        current = null;
        boolean keep = head.keepAlive() && !close;
        // Head and body in one pooled direct buffer: the socket takes it as it is (heap arrays would be copied into
        // a direct buffer on the way out, and the head would pass through a String and a byte array first).
        headText.setLength(0);
        HttpWire.appendHead(headText, reply.status(), reply.headers(), reply.body().length, keep);
        boolean headOnly = head.method().equals("HEAD");
        ByteBuf out = ctx.alloc().ioBuffer(headText.length() + (headOnly ? 0 : reply.body().length));
        out.writeCharSequence(headText, StandardCharsets.ISO_8859_1);
        if (!headOnly) {
            out.writeBytes(reply.body());
        }
        InferenceReply sent = reply;
        boolean linger = unread;
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) written -> {
            runAfterward(sent);
            if (!written.isSuccess()) {
                written.channel().close();
            }
        });
        lastRead = System.nanoTime();
        if (keep) {
            drain();
        } else {
            closeAfterAnswer(linger);
        }
    }

    private void runAfterward(InferenceReply reply) {
        try {
            reply.afterward().run();
        } catch (RuntimeException e) {
            LOG.error("Work after an answer to {} failed", clientAddress, e);
        }
    }

    /** A request the client sent wrongly (or too slowly): answered with {@code status}, then the connection closes. */
    private void refuse(int status, String code, String message) {
        Exchange abandoned = current;
        current = null; // first: the handler's answer to the failed body below must not be written instead
        closing = true;
        if (abandoned != null) {
            abandoned.fail(new IOException(message));
            abandoned.release();
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(HttpWire.errorAnswer(status, code, message)));
        closeAfterAnswer(true);
    }

    /**
     * Closes once the answer is out. With {@code unread} input the client may still be sending, and closing a socket
     * with unread input makes the kernel reset the connection, which can destroy the answer before the client read
     * it (the 413 or 431 it needs to see): so stop sending, read and drop what still comes for a while, then close.
     */
    private void closeAfterAnswer(boolean unread) {
        closing = true;
        releaseQueued();
        if (!unread) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        lingerLeft = LINGER_BYTES;
        lingerUntil = System.nanoTime() + LINGER_NANOS;
        ctx.channel().config().setAutoRead(true);
        if (ctx.channel() instanceof DuplexChannel duplex && ctx.pipeline().get(SslHandler.class) == null) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> duplex.shutdownOutput());
        }
        arm(LINGER_NANOS);
    }

    /** The longest a connection goes unchecked: the shorter of its two timeouts. */
    private long checkEvery() {
        return Math.min(settings.idleTimeout().toNanos(), settings.readTimeout().toNanos());
    }

    private void arm(long delayNanos) {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = ctx.executor().schedule(this::onTimer, Math.max(delayNanos, 1_000_000), TimeUnit.NANOSECONDS);
    }

    /** Idle connections close; a request (head or body) that stops arriving is answered 408. */
    private void onTimer() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (closing) {
            if (now - lingerUntil >= 0) {
                ctx.close();
            } else {
                arm(lingerUntil - now);
            }
            return;
        }
        boolean waitingForClient = current == null ? discarding || decoder.midRequest(cumulation)
                : current.wanted && !current.complete;
        if (current != null && !waitingForClient) { // the handler is at work: its own deadline applies
            arm(checkEvery());
            return;
        }
        long limit = (waitingForClient ? settings.readTimeout() : settings.idleTimeout()).toNanos();
        long quiet = now - lastRead;
        if (quiet < limit) {
            // Looked at again no later than a read timeout from now: an idle connection whose next request starts
            // and then stalls is answered 408 on time, not after the (longer) idle timeout.
            arm(Math.min(limit - quiet, checkEvery()));
        } else if (waitingForClient) {
            refuse(408, "RequestTimeout", "The request did not arrive within " + settings.readTimeout().toMillis()
                    + " ms.");
        } else {
            ctx.close(); // an idle kept-alive connection: closing it is the answer
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        Exchange abandoned = current;
        current = null;
        if (abandoned != null) {
            abandoned.fail(new IOException("The client closed the connection"));
            abandoned.release();
        }
        releaseQueued();
        cumulation.release();
        cumulation = Unpooled.EMPTY_BUFFER;
        ctx.fireChannelInactive();
    }

    private void releaseQueued() {
        Object left;
        while ((left = queued.poll()) != null) {
            if (left instanceof RequestDecoder.Part part) {
                part.bytes().release();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.trace("Scoring connection from {} ended: {}", clientAddress, cause.toString());
        ctx.close();
    }

    /** One request: its head, its body as it arrives, and the stage the handler waits on for it. */
    private final class Exchange implements ScoringRequest {
        final RequestHead head;
        private ByteBuf body;
        long received;
        /** What the chunk headers so far announced. */
        long promised;
        boolean complete;
        boolean wanted;
        boolean tooLarge;
        boolean broken;
        private String brokenWhy;
        private long max;
        private CompletableFuture<byte[]> whole;

        Exchange(RequestHead head) {
            this.head = head;
        }

        @Override
        public String method() {
            return head.method();
        }

        @Override
        public String path() {
            return head.path();
        }

        @Override
        public String header(String name) {
            return head.header(name);
        }

        @Override
        public long declaredLength() {
            return head.chunked() ? -1 : head.length();
        }

        @Override
        public String clientAddress() {
            return clientAddress;
        }

        @Override
        public CompletionStage<byte[]> body(long max) {
            if (!ctx.executor().inEventLoop()) {
                CompletableFuture<byte[]> hop = new CompletableFuture<>();
                ctx.executor().execute(() -> body(max).whenComplete((b, f) -> {
                    if (f != null) {
                        hop.completeExceptionally(f);
                    } else {
                        hop.complete(b);
                    }
                }));
                return hop;
            }
            if (whole != null) {
                return whole;
            }
            whole = new CompletableFuture<>();
            if (!head.chunked() && head.length() > max) {
                tooLarge = true;
                whole.completeExceptionally(new BodyTooLargeException(head.length(), max));
                return whole;
            }
            if (Math.max(received, promised) > max) {
                tooLarge = true;
                whole.completeExceptionally(new BodyTooLargeException(Math.max(received, promised), max));
                return whole;
            }
            if (broken) {
                whole.completeExceptionally(new IOException(brokenWhy));
                return whole;
            }
            wanted = true;
            this.max = max;
            if (complete) {
                deliver();
            } else {
                if (head.expectContinue()) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(HttpWire.CONTINUE));
                }
                ctx.channel().config().setAutoRead(true);
            }
            return whole;
        }

        void take(RequestDecoder.Part part) {
            ByteBuf bytes = part.bytes();
            promised += part.promised();
            received += bytes.readableBytes();
            if (tooLarge || broken) {
                bytes.release();
            } else if (wanted && Math.max(received, promised) > max) {
                bytes.release();
                tooLarge = true;
                whole.completeExceptionally(new BodyTooLargeException(Math.max(received, promised), max));
            } else if (bytes.isReadable()) {
                if (body == null) {
                    body = bytes; // the usual case: the whole body came in one part
                } else {
                    CompositeByteBuf parts;
                    if (body instanceof CompositeByteBuf composite) {
                        parts = composite;
                    } else {
                        parts = ctx.alloc().compositeBuffer(64);
                        parts.addComponent(true, body);
                    }
                    parts.addComponent(true, bytes);
                    body = parts;
                }
            } else {
                bytes.release();
            }
            if (part.last()) {
                complete = true;
                if (wanted && !tooLarge && !broken) {
                    deliver();
                }
            }
        }

        private void deliver() {
            byte[] bytes = new byte[body == null ? 0 : body.readableBytes()];
            if (body != null) {
                body.getBytes(body.readerIndex(), bytes);
            }
            release();
            whole.complete(bytes);
        }

        void fail(IOException why) {
            broken = true;
            brokenWhy = why.getMessage();
            if (whole != null) {
                whole.completeExceptionally(why);
            }
        }

        void release() {
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }
}
