package dev.amlite.serving;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** Waits the serving tests share for processes and the files they leave behind. */
public final class ProcessWaits {
    private ProcessWaits() {
    }

    /** Whether a process is gone, or only a zombie waiting for its (new) parent to reap it; waits up to a limit. */
    public static boolean gone(long pid, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").startsWith("Z")) {
                    return true;
                }
            } catch (NoSuchFileException e) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Whether {@code path} no longer exists, waiting up to 5 s for it to go. */
    public static boolean disappears(Path path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Files.exists(path) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return !Files.exists(path);
    }
}
