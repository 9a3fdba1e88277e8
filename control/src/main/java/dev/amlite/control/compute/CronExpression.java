package dev.amlite.control.compute;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;

/**
 * A five-field cron expression as compute schedules take it (minute hour day-of-month month day-of-week; lists,
 * ranges, steps, {@code *}, names of months and days). Day-of-month and day-of-week combine as in Vixie cron: when
 * both are restricted, either matching is enough.
 */
public record CronExpression(String text, BitSet minutes, BitSet hours, BitSet days, BitSet months, BitSet weekdays,
                             boolean anyDay, boolean anyWeekday) {
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
            "NOV", "DEC"};
    private static final String[] WEEKDAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    /** Parses, or throws IllegalArgumentException saying which field is wrong and what is allowed. */
    public static CronExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("The cron expression is empty; it needs five fields: minute hour "
                    + "day-of-month month day-of-week (e.g. '0 18 * * 1-5').");
        }
        String[] fields = text.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("The cron expression '" + text + "' has " + fields.length
                    + " fields; it needs five: minute hour day-of-month month day-of-week (e.g. '0 18 * * 1-5').");
        }
        BitSet weekdays = field(text, "day-of-week", fields[4], 0, 7, WEEKDAYS, 0);
        if (weekdays.get(7)) {
            weekdays.set(0);
            weekdays.clear(7);
        }
        return new CronExpression(text.trim(), field(text, "minute", fields[0], 0, 59, null, 0),
                field(text, "hour", fields[1], 0, 23, null, 0), field(text, "day-of-month", fields[2], 1, 31, null, 0),
                field(text, "month", fields[3], 1, 12, MONTHS, 1), weekdays, fields[2].equals("*") || fields[2].equals("?"),
                fields[4].equals("*") || fields[4].equals("?"));
    }

    private static BitSet field(String text, String name, String value, int min, int max, String[] names, int nameBase) {
        BitSet bits = new BitSet(max + 1);
        for (String part : value.split(",", -1)) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(text, name, part.substring(slash + 1), 1, max, null, 0);
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw bad(text, name, part, min, max);
                }
                from = number(text, name, ends[0], min, max, names, nameBase);
                to = number(text, name, ends[1], min, max, names, nameBase);
                if (from > to) {
                    throw bad(text, name, part, min, max);
                }
            } else {
                from = number(text, name, range, min, max, names, nameBase);
                to = slash >= 0 ? max : from;
            }
            for (int i = from; i <= to; i += step) {
                bits.set(i);
            }
        }
        return bits;
    }

    private static int number(String text, String name, String value, int min, int max, String[] names, int nameBase) {
        if (names != null) {
            String upper = value.toUpperCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(upper)) {
                    return i + nameBase;
                }
            }
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(text, name, value, min, max);
    }

    private static IllegalArgumentException bad(String text, String name, String value, int min, int max) {
        return new IllegalArgumentException("The cron expression '" + text + "' has '" + value + "' as its " + name
                + "; allowed: " + min + "-" + max + ", '*', lists (a,b), ranges (a-b) and steps (*/n).");
    }

    public boolean matches(ZonedDateTime time) {
        if (!minutes.get(time.getMinute()) || !hours.get(time.getHour()) || !months.get(time.getMonthValue())) {
            return false;
        }
        boolean day = days.get(time.getDayOfMonth());
        boolean weekday = weekdays.get(time.getDayOfWeek().getValue() % 7);
        if (anyDay && anyWeekday) {
            return true;
        }
        if (anyDay) {
            return weekday;
        }
        if (anyWeekday) {
            return day;
        }
        return day || weekday;
    }

    /** The first time strictly after {@code after} (to the minute) the expression fires; within the next five years. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime candidate = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = after.plusYears(5);
        while (candidate.isBefore(limit)) {
            if (!months.get(candidate.getMonthValue())) {
                candidate = candidate.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                continue;
            }
            if (!matchesDay(candidate)) {
                candidate = candidate.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                continue;
            }
            if (!hours.get(candidate.getHour())) {
                candidate = candidate.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (!minutes.get(candidate.getMinute())) {
                candidate = candidate.plusMinutes(1);
                continue;
            }
            return candidate;
        }
        return null;
    }

    private boolean matchesDay(ZonedDateTime time) {
        boolean day = days.get(time.getDayOfMonth());
        boolean weekday = weekdays.get(time.getDayOfWeek().getValue() % 7);
        if (anyDay && anyWeekday) {
            return true;
        }
        return anyDay ? weekday : anyWeekday ? day : day || weekday;
    }
}
