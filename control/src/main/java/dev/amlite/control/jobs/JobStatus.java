package dev.amlite.control.jobs;

import java.util.Set;

/** Azure's job statuses (CP-2) in their order, and which of them are final. */
public final class JobStatus {
    public static final String NOT_STARTED = "NotStarted";
    public static final String QUEUED = "Queued";
    public static final String PREPARING = "Preparing";
    public static final String RUNNING = "Running";
    public static final String FINALIZING = "Finalizing";
    public static final String CANCEL_REQUESTED = "CancelRequested";
    public static final String COMPLETED = "Completed";
    public static final String FAILED = "Failed";
    public static final String CANCELED = "Canceled";
    private static final Set<String> TERMINAL = Set.of(COMPLETED, FAILED, CANCELED);
    private static final Set<String> ACTIVE = Set.of(PREPARING, RUNNING, FINALIZING, CANCEL_REQUESTED);

    private JobStatus() {
    }

    public static boolean terminal(String status) {
        return TERMINAL.contains(status);
    }

    /** On a node: what keeps a compute busy and a workspace from moving. */
    public static boolean active(String status) {
        return ACTIVE.contains(status);
    }
}
