package dev.amlite.serving.runtime;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class RunDeadlinesTest {
    private final RunDeadlines deadlines = new RunDeadlines();

    @Test
    void aRunPastItsDeadlineIsInterruptedAndTheFlagDoesNotOutliveIt() {
        RunDeadlines.Armed armed = deadlines.arm(100);
        boolean interrupted = false;
        try {
            Thread.sleep(10_000);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        assertThat(interrupted).isTrue();
        assertThat(armed.disarm()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aRunWithinItsDeadlineIsLeftAlone() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            RunDeadlines.Armed armed = deadlines.arm(60_000);
            Thread.sleep(1);
            assertThat(armed.disarm()).isFalse();
        }
        Thread.sleep(120); // past a watchdog round: nothing fires late on this thread
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aRunThatIgnoresTheInterruptIsStillReportedAsTimedOut() {
        RunDeadlines.Armed armed = deadlines.arm(50);
        long until = System.nanoTime() + 400_000_000L;
        while (System.nanoTime() < until) {
            Thread.onSpinWait(); // busy, never looks at the flag
        }
        assertThat(armed.disarm()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
