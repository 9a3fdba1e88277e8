package dev.amlite.serving.supervisor;

import java.util.List;

/** An instance that never became ready, with the last lines it wrote — the user's own error, as get-logs shows it. */
public final class InstanceStartException extends Exception {
    private final List<String> lastLines;

    public InstanceStartException(String message, List<String> lastLines) {
        super(message + (lastLines.isEmpty() ? " It wrote nothing." : " Its last output:\n  "
                + String.join("\n  ", lastLines)));
        this.lastLines = List.copyOf(lastLines);
    }

    public List<String> lastLines() {
        return lastLines;
    }
}
