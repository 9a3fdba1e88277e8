package dev.amlite.control.compute;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * A compute instance's start or stop on a cron (seed 002's auto-stop): the action, when, in which time zone, and
 * whether it is enabled. Time zones are IANA ids or the Windows names Azure uses ("Tokyo Standard Time").
 */
public record ComputeSchedule(Action action, CronExpression cron, ZoneId zone, String zoneName, boolean enabled) {
    public enum Action { START, STOP }

    private static final Map<String, String> WINDOWS_ZONES = Map.ofEntries(
            Map.entry("utc", "UTC"), Map.entry("coordinated universal time", "UTC"),
            Map.entry("tokyo standard time", "Asia/Tokyo"), Map.entry("korea standard time", "Asia/Seoul"),
            Map.entry("china standard time", "Asia/Shanghai"), Map.entry("singapore standard time", "Asia/Singapore"),
            Map.entry("india standard time", "Asia/Kolkata"), Map.entry("aus eastern standard time", "Australia/Sydney"),
            Map.entry("gmt standard time", "Europe/London"), Map.entry("w. europe standard time", "Europe/Berlin"),
            Map.entry("central europe standard time", "Europe/Budapest"),
            Map.entry("romance standard time", "Europe/Paris"), Map.entry("eastern standard time", "America/New_York"),
            Map.entry("central standard time", "America/Chicago"), Map.entry("mountain standard time", "America/Denver"),
            Map.entry("pacific standard time", "America/Los_Angeles"));

    /** The zone a schedule names, or IllegalArgumentException naming what is accepted. */
    public static ZoneId zone(String name) {
        if (name == null || name.isBlank()) {
            return ZoneId.of("UTC");
        }
        String mapped = WINDOWS_ZONES.get(name.trim().toLowerCase(java.util.Locale.ROOT));
        try {
            return ZoneId.of(mapped != null ? mapped : name.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("The time zone '" + name + "' is not known; give an IANA id "
                    + "(Asia/Tokyo) or one of the Windows names " + WINDOWS_ZONES.keySet().stream().sorted().toList() + ".");
        }
    }

    /** Whether the schedule fires in (after, upTo]. */
    public boolean firesBetween(ZonedDateTime after, ZonedDateTime upTo) {
        if (!enabled) {
            return false;
        }
        ZonedDateTime next = cron.next(after.withZoneSameInstant(zone));
        return next != null && !next.toInstant().isAfter(upTo.toInstant());
    }
}
