package dev.amlite.serving.supervisor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines an instance wrote to stdout and stderr, for {@code get-logs --lines N}. Bounded by line count
 * and by characters, so a chatty model cannot exhaust the server's memory; the oldest lines go first.
 */
public final class InstanceLog {
    private final int maxLines;
    private final long maxChars;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long chars;

    public InstanceLog(int maxLines, long maxChars) {
        if (maxLines < 1 || maxChars < 1) {
            throw new IllegalArgumentException("An instance log keeps at least one line and one character");
        }
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    public synchronized void append(String line) {
        String kept = line.length() > maxChars ? line.substring(0, (int) maxChars) : line;
        lines.addLast(kept);
        chars += kept.length();
        while (lines.size() > maxLines || chars > maxChars) {
            chars -= lines.removeFirst().length();
        }
    }

    /** The last {@code count} lines, oldest first. */
    public synchronized List<String> tail(int count) {
        List<String> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, count)), all.size()));
    }
}
