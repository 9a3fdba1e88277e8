package dev.amlite.control.compute;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronExpressionTest {
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    @Test
    void nextFiringOfADailyScheduleIsTheSameDayBeforeAndTheNextDayAfter() {
        CronExpression daily = CronExpression.parse("0 18 * * *");
        assertThat(daily.next(ZonedDateTime.of(2026, 12, 1, 9, 30, 0, 0, TOKYO)))
                .isEqualTo(ZonedDateTime.of(2026, 12, 1, 18, 0, 0, 0, TOKYO));
        assertThat(daily.next(ZonedDateTime.of(2026, 12, 1, 18, 0, 0, 0, TOKYO)))
                .isEqualTo(ZonedDateTime.of(2026, 12, 2, 18, 0, 0, 0, TOKYO));
    }

    @Test
    void weekdaysRangesStepsListsAndNamesAreUnderstood() {
        CronExpression weekdays = CronExpression.parse("30 8 * * MON-FRI");
        // 2026-12-05 is a Saturday: the next firing is Monday the 7th.
        assertThat(weekdays.next(ZonedDateTime.of(2026, 12, 5, 0, 0, 0, 0, TOKYO)))
                .isEqualTo(ZonedDateTime.of(2026, 12, 7, 8, 30, 0, 0, TOKYO));
        CronExpression steps = CronExpression.parse("*/15 9-10 1,15 JAN *");
        assertThat(steps.next(ZonedDateTime.of(2026, 12, 20, 0, 0, 0, 0, TOKYO)))
                .isEqualTo(ZonedDateTime.of(2027, 1, 1, 9, 0, 0, 0, TOKYO));
        assertThat(steps.matches(ZonedDateTime.of(2027, 1, 15, 10, 45, 0, 0, TOKYO))).isTrue();
        assertThat(steps.matches(ZonedDateTime.of(2027, 1, 15, 10, 50, 0, 0, TOKYO))).isFalse();
        // Both day fields restricted: either matching is enough (Vixie cron).
        CronExpression either = CronExpression.parse("0 0 13 * 5");
        assertThat(either.matches(ZonedDateTime.of(2026, 12, 4, 0, 0, 0, 0, TOKYO))).isTrue(); // a Friday
        assertThat(either.matches(ZonedDateTime.of(2026, 12, 13, 0, 0, 0, 0, TOKYO))).isTrue();
        assertThat(either.matches(ZonedDateTime.of(2026, 12, 14, 0, 0, 0, 0, TOKYO))).isFalse();
        assertThat(CronExpression.parse("0 0 * * 7").matches(ZonedDateTime.of(2026, 12, 6, 0, 0, 0, 0, TOKYO))).isTrue();
    }

    @Test
    void malformedExpressionsSayWhichFieldIsWrongAndWhatIsAllowed() {
        assertThatThrownBy(() -> CronExpression.parse("0 18 * *")).hasMessageContaining("4 fields")
                .hasMessageContaining("minute hour day-of-month month day-of-week");
        assertThatThrownBy(() -> CronExpression.parse("61 18 * * *")).hasMessageContaining("'61' as its minute")
                .hasMessageContaining("0-59");
        assertThatThrownBy(() -> CronExpression.parse("0 25 * * *")).hasMessageContaining("hour");
        assertThatThrownBy(() -> CronExpression.parse("0 1 * * FUNDAY")).hasMessageContaining("day-of-week");
        assertThatThrownBy(() -> CronExpression.parse("0 5-1 * * *")).hasMessageContaining("hour");
        assertThatThrownBy(() -> CronExpression.parse("")).hasMessageContaining("empty");
    }
}
