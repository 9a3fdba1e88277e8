package dev.amlite.serving.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts a {@code run()} that outlives its deadline, for the Java inference server: one watchdog thread for
 * every request, so a request costs a map entry rather than a timer task and a thread hand-off. The interrupt is
 * fully delivered before {@link Armed#disarm()} returns, and cleared there, so it can never hit the connection's
 * next socket operation (an interrupted blocking socket closes).
 */
final class RunDeadlines {
    // The watchdog looks every 50 ms at most: arming never wakes it (a wake-up per request is what this class
    // avoids), so a run is interrupted up to 50 ms after its deadline — the router has answered 408 at the deadline.
    private static final long MAX_SLEEP_NANOS = 50_000_000L;
    private static final int ARMED = 0;
    private static final int FIRING = 1;
    private static final int FIRED = 2;
    private static final int DONE = 3;
    private final Map<Armed, Boolean> armed = new ConcurrentHashMap<>();
    RunDeadlines() {
        Thread.ofPlatform().name("deadline-watchdog").daemon().start(this::watch);
    }

    /** One armed deadline of the calling thread. */
    final class Armed {
        private final Thread thread = Thread.currentThread();
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger(ARMED);

        private Armed(long deadline) {
            this.deadline = deadline;
        }

        /** Stops the watch; true when the deadline had fired (the thread's interrupt is cleared again). */
        boolean disarm() {
            armed.remove(this);
            if (state.compareAndSet(ARMED, DONE)) {
                return false;
            }
            while (state.get() != FIRED) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
            return true;
        }
    }

    /** Arms a deadline {@code timeoutMillis} from now for the calling thread. */
    Armed arm(long timeoutMillis) {
        Armed entry = new Armed(System.nanoTime() + timeoutMillis * 1_000_000L);
        armed.put(entry, Boolean.TRUE);
        return entry;
    }

    private void watch() {
        while (true) {
            long now = System.nanoTime();
            long sleep = MAX_SLEEP_NANOS;
            for (Armed entry : armed.keySet()) {
                long left = entry.deadline - now;
                if (left <= 0) {
                    if (entry.state.compareAndSet(ARMED, FIRING)) {
                        armed.remove(entry);
                        entry.thread.interrupt();
                        entry.state.set(FIRED);
                    }
                } else {
                    sleep = Math.min(sleep, left);
                }
            }
            LockSupport.parkNanos(sleep);
        }
    }
}
