package dev.amlite.control.compute;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * What the tick does to a compute instance: start or stop it on a schedule, stop it when idle past its
 * idle_time_before_shutdown, or nothing. Pure, so that schedule firing is tested with any clock.
 */
public record InstanceDecision(String target, String reason) {
    public static final InstanceDecision NONE = new InstanceDecision(null, null);

    /**
     * @param previous the last tick (exclusive)
     * @param now      this tick (inclusive)
     * @param idleSince when the instance last finished work (null when busy or not running)
     */
    public static InstanceDecision decide(ComputeSpec spec, String state, Instant previous, Instant now,
                                          Instant idleSince, boolean busy) {
        boolean running = !"Stopped".equals(state);
        for (ComputeSchedule schedule : spec.schedules()) {
            if (!schedule.firesBetween(previous.atZone(ZoneOffset.UTC), now.atZone(ZoneOffset.UTC))) {
                continue;
            }
            if (schedule.action() == ComputeSchedule.Action.STOP && running && !busy) {
                return new InstanceDecision("Stopped", "stopped by its schedule '" + schedule.cron().text() + "' ("
                        + schedule.zoneName() + ")");
            }
            if (schedule.action() == ComputeSchedule.Action.START && !running) {
                return new InstanceDecision("Running", "started by its schedule '" + schedule.cron().text() + "' ("
                        + schedule.zoneName() + ")");
            }
        }
        if (running && !busy && spec.idleBeforeShutdown() != null && idleSince != null
                && !idleSince.plus(spec.idleBeforeShutdown()).isAfter(now)) {
            return new InstanceDecision("Stopped", "idle for " + spec.idleBeforeShutdown().toMinutes() + " minutes");
        }
        return NONE;
    }
}
