package dev.amlite.control.operations;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points inside long-running work where a crash test stops the server dead, to prove that nothing is lost
 * whatever the moment: {@code Runtime.halt} skips shutdown hooks and every clean close, as SIGKILL does. Off unless
 * the server was started with {@code --crash-at POINT[:N]} (the N-th time the point is reached, default the first);
 * the points are listed in docs/moves.md. Not for production use.
 */
public final class CrashPoints {
    /** The status a halted server exits with (SIGKILL's 128 + 9), so that a test can tell it from a failure. */
    public static final int EXIT_STATUS = 137;
    private static final CrashPoints NONE = new CrashPoints(null, 0);
    private final String point;
    private final int occurrence;
    private final AtomicInteger reached = new AtomicInteger();

    private CrashPoints(String point, int occurrence) {
        this.point = point;
        this.occurrence = occurrence;
    }

    public static CrashPoints none() {
        return NONE;
    }

    /** {@code POINT} or {@code POINT:N}; a point name is lower-case words joined by dots and dashes. */
    public static CrashPoints parse(String spec) {
        int colon = spec.lastIndexOf(':');
        String name = (colon < 0 ? spec : spec.substring(0, colon)).toLowerCase(Locale.ROOT);
        int occurrence;
        try {
            occurrence = colon < 0 ? 1 : Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            occurrence = 0;
        }
        if (!name.matches("[a-z][a-z.-]*") || occurrence < 1) {
            throw new IllegalArgumentException("--crash-at takes POINT or POINT:N (N >= 1), e.g. move.in-transaction:2; '"
                    + spec + "' was given.");
        }
        return new CrashPoints(name, occurrence);
    }

    /** Stops the process dead when this is the chosen point reached the chosen time; otherwise nothing. */
    public void reached(String name) {
        if (point != null && point.equals(name) && reached.incrementAndGet() == occurrence) {
            System.err.println("amlite: stopping dead at crash point " + name + " (--crash-at)");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
