package dev.amlite.control.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schedule firing and idle shutdown of compute instances, with the clock given by the test. */
class InstanceDecisionTest {
    private static final Catalog CATALOG = Catalog.standard();

    private static ComputeSpec instance(String schedulesJson, String idle) {
        ObjectNode properties = Json.object().put("computeType", "ComputeInstance");
        ObjectNode inner = properties.putObject("properties").put("vmSize", "Standard_DS3_v2");
        if (idle != null) {
            inner.put("idleTimeBeforeShutdown", idle);
        }
        if (schedulesJson != null) {
            inner.set("schedules", Json.parse(schedulesJson));
        }
        return ComputeSpec.parse(properties, CATALOG, "japaneast");
    }

    private static Instant tokyo(int day, int hour, int minute) {
        return ZonedDateTime.of(2026, 12, day, hour, minute, 0, 0, ZoneId.of("Asia/Tokyo")).toInstant();
    }

    private static final String STOP_AT_SIX = "{\"computeStartStop\":[{\"action\":\"Stop\",\"triggerType\":\"Cron\","
            + "\"cron\":{\"expression\":\"0 18 * * *\",\"timeZone\":\"Tokyo Standard Time\"}}]}";

    @Test
    void aStopScheduleFiresOnceWhenItsMinuteIsInsideTheTick() {
        ComputeSpec spec = instance(STOP_AT_SIX, null);
        assertThat(InstanceDecision.decide(spec, "Running", tokyo(1, 17, 58), tokyo(1, 17, 59), null, false))
                .isEqualTo(InstanceDecision.NONE);
        InstanceDecision fired = InstanceDecision.decide(spec, "Running", tokyo(1, 17, 59), tokyo(1, 18, 0), null, false);
        assertThat(fired.target()).isEqualTo("Stopped");
        assertThat(fired.reason()).contains("0 18 * * *").contains("Tokyo Standard Time");
        assertThat(InstanceDecision.decide(spec, "Running", tokyo(1, 18, 0), tokyo(1, 18, 1), null, false))
                .isEqualTo(InstanceDecision.NONE);
        // A stopped instance stays stopped; a busy one is not stopped under its job.
        assertThat(InstanceDecision.decide(spec, "Stopped", tokyo(1, 17, 59), tokyo(1, 18, 0), null, false))
                .isEqualTo(InstanceDecision.NONE);
        assertThat(InstanceDecision.decide(spec, "Running", tokyo(1, 17, 59), tokyo(1, 18, 0), null, true))
                .isEqualTo(InstanceDecision.NONE);
    }

    @Test
    void aStartScheduleStartsAStoppedInstanceAndDisabledSchedulesNeverFire() {
        ComputeSpec spec = instance("{\"computeStartStop\":[{\"action\":\"Start\",\"cron\":{\"expression\":"
                + "\"0 9 * * 1-5\",\"timeZone\":\"Asia/Tokyo\"}},{\"action\":\"Stop\",\"status\":\"Disabled\","
                + "\"cron\":{\"expression\":\"* * * * *\"}}]}", null);
        // 2026-12-07 is a Monday.
        assertThat(InstanceDecision.decide(spec, "Stopped", tokyo(7, 8, 59), tokyo(7, 9, 0), null, false).target())
                .isEqualTo("Running");
        assertThat(InstanceDecision.decide(spec, "Stopped", tokyo(6, 8, 59), tokyo(6, 9, 0), null, false))
                .isEqualTo(InstanceDecision.NONE);
        assertThat(InstanceDecision.decide(spec, "Running", tokyo(7, 10, 0), tokyo(7, 10, 1), null, false))
                .isEqualTo(InstanceDecision.NONE);
    }

    @Test
    void anIdleInstanceStopsAfterItsIdleTimeAndNotBefore() {
        ComputeSpec spec = instance(null, "PT30M");
        Instant idleSince = tokyo(1, 10, 0);
        assertThat(InstanceDecision.decide(spec, "Running", tokyo(1, 10, 28), tokyo(1, 10, 29), idleSince, false))
                .isEqualTo(InstanceDecision.NONE);
        InstanceDecision stopped = InstanceDecision.decide(spec, "Running", tokyo(1, 10, 29), tokyo(1, 10, 30),
                idleSince, false);
        assertThat(stopped.target()).isEqualTo("Stopped");
        assertThat(stopped.reason()).contains("idle for 30 minutes");
        assertThat(InstanceDecision.decide(spec, "Running", tokyo(1, 10, 29), tokyo(1, 11, 30), null, true))
                .isEqualTo(InstanceDecision.NONE);
    }

    @Test
    void badSchedulesAndIdleTimesAreRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> instance("{\"computeStartStop\":[{\"action\":\"Stop\",\"cron\":{\"expression\":"
                + "\"0 18 * *\"}}]}", null)).isInstanceOf(ArmException.class).hasMessageContaining("five");
        assertThatThrownBy(() -> instance("{\"computeStartStop\":[{\"action\":\"Pause\",\"cron\":{\"expression\":"
                + "\"0 18 * * *\"}}]}", null)).hasMessageContaining("start or stop");
        assertThatThrownBy(() -> instance("{\"computeStartStop\":[{\"action\":\"Stop\",\"cron\":{\"expression\":"
                + "\"0 18 * * *\",\"timeZone\":\"Mars Standard Time\"}}]}", null)).hasMessageContaining("Mars Standard Time")
                .hasMessageContaining("IANA");
        assertThatThrownBy(() -> instance(null, "PT5M")).hasMessageContaining("between 15 and 4320");
    }
}
