package dev.amlite.serving.listener;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read timeouts of one listener's connections, kept by one thread: a connection arms its {@link Watch} before
 * it waits for a request or reads one, and disarms it once the request is in; the thread looks every
 * {@value #TICK_MILLIS} ms and shuts the input of a connection whose time is up, which ends its blocked read with
 * end of stream. Arming is two memory writes, so the connections' reads need no socket timeout (see {@link Peer}).
 * A timeout therefore fires up to one tick late.
 */
final class ReadTimer implements AutoCloseable {
    static final long TICK_MILLIS = 50;
    private static final int IDLE = 0;
    private static final int ARMED = 1;
    private static final int EXPIRED = 2;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    ReadTimer(String name) {
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** A watch over {@code peer}, disarmed; {@link Watch#close()} stops watching it. */
    Watch watch(Peer peer) {
        Watch watch = new Watch(peer);
        watches.add(watch);
        return watch;
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watch watch : watches) {
                if (watch.state.get() == ARMED && now - watch.deadline >= 0
                        && watch.state.compareAndSet(ARMED, EXPIRED)) {
                    watch.peer.shutdownInput();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    final class Watch implements AutoCloseable {
        private final Peer peer;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile long deadline;

        private Watch(Peer peer) {
            this.peer = peer;
        }

        /** The reads from now on must be done within {@code limit}. No effect once expired: the input is shut. */
        void arm(Duration limit) {
            deadline = System.nanoTime() + limit.toNanos();
            state.compareAndSet(IDLE, ARMED);
        }

        /** The reads are done (when the time was up first, the input stays shut). */
        void disarm() {
            state.compareAndSet(ARMED, IDLE);
        }

        /** Whether the time ran out (the input is shut since). */
        boolean expired() {
            return state.get() == EXPIRED;
        }

        @Override
        public void close() {
            watches.remove(this);
        }
    }
}
