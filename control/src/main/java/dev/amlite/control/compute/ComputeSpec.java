package dev.amlite.control.compute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.VmSize;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A compute as its document declares it (CP-1), checked: the kind, a VM size the region offers, the node range and
 * idle times of a cluster, the schedules and idle shutdown of an instance. Every refusal says what was wrong and what
 * is allowed.
 */
public record ComputeSpec(ComputeKind kind, VmSize size, int minNodes, int maxNodes, Duration idleBeforeScaleDown,
                          Duration idleBeforeShutdown, List<ComputeSchedule> schedules) {
    /** Seed 002's rule for workspaces/computes: 2–16 characters, letters, digits and hyphens. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{1,15}");
    static final Duration DEFAULT_SCALE_DOWN = Duration.ofSeconds(120);

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.endsWith("-")) {
            throw new ArmException(ErrorCode.InvalidResourceName, "The compute name '" + name + "' is not valid: it "
                    + "must be 2 to 16 characters long, start with a letter, and contain only letters, digits and "
                    + "hyphens (not ending with one).");
        }
    }

    /** The spec of {@code properties} (ARM's compute properties: computeType, properties.vmSize, …). */
    public static ComputeSpec parse(JsonNode properties, Catalog catalog, String region) {
        String type = properties.path("computeType").asText(null);
        ComputeKind kind = ComputeKind.of(type);
        if (kind == null) {
            throw new ArmException(ErrorCode.InvalidParameter, "computeType '" + type + "' is not offered; amlite "
                    + "runs AmlCompute (type: amlcompute) and ComputeInstance (type: computeinstance). Kubernetes "
                    + "attach is not supported yet.");
        }
        JsonNode inner = properties.path("properties");
        String sizeName = inner.path("vmSize").asText(null);
        if (sizeName == null || sizeName.isBlank()) {
            throw new ArmException(ErrorCode.InvalidParameter, "properties.vmSize (size) is required; list the sizes "
                    + "of the region with 'amlite ml compute list-sizes -l " + region + "'.");
        }
        VmSize size = catalog.vmSize(sizeName).orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter,
                "The VM size '" + sizeName + "' is not known; list the sizes with 'amlite ml compute list-sizes -l "
                        + region + "'."));
        if (!size.offeredIn(region)) {
            throw new ArmException(ErrorCode.InvalidParameter, "The VM size '" + size.name() + "' is not offered in "
                    + "region '" + region + "'; it is offered in " + size.regions().stream().sorted().toList() + ".");
        }
        if (kind == ComputeKind.AML_COMPUTE) {
            JsonNode scale = inner.path("scaleSettings");
            int min = integer(scale, "minNodeCount", 0, "min_instances");
            int max = integer(scale, "maxNodeCount", 1, "max_instances");
            if (min < 0 || max < 1 || max > 100) {
                throw new ArmException(ErrorCode.InvalidParameter, "A cluster needs min_instances >= 0 and "
                        + "max_instances between 1 and 100; got min " + min + ", max " + max + ".");
            }
            if (min > max) {
                throw new ArmException(ErrorCode.InvalidParameter, "min_instances (" + min + ") is larger than "
                        + "max_instances (" + max + ").");
            }
            Duration idle = duration(scale.path("nodeIdleTimeBeforeScaleDown"), DEFAULT_SCALE_DOWN,
                    "idle_time_before_scale_down");
            return new ComputeSpec(kind, size, min, max, idle, null, List.of());
        }
        Duration shutdown = inner.hasNonNull("idleTimeBeforeShutdown")
                ? duration(inner.get("idleTimeBeforeShutdown"), null, "idle_time_before_shutdown_minutes") : null;
        if (shutdown != null && (shutdown.compareTo(Duration.ofMinutes(15)) < 0
                || shutdown.compareTo(Duration.ofDays(3)) > 0)) {
            throw new ArmException(ErrorCode.InvalidParameter, "idle_time_before_shutdown_minutes must be between 15 "
                    + "and 4320 minutes (Azure's range); got " + shutdown.toMinutes() + ".");
        }
        return new ComputeSpec(kind, size, 1, 1, null, shutdown, schedules(inner.path("schedules")));
    }

    private static List<ComputeSchedule> schedules(JsonNode schedules) {
        List<ComputeSchedule> parsed = new ArrayList<>();
        JsonNode list = schedules.path("computeStartStop");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new ArmException(ErrorCode.InvalidParameter, "schedules.computeStartStop must be a list.");
        }
        for (JsonNode schedule : list) {
            String action = schedule.path("action").asText("");
            ComputeSchedule.Action kind = switch (action.toLowerCase(Locale.ROOT)) {
                case "start" -> ComputeSchedule.Action.START;
                case "stop" -> ComputeSchedule.Action.STOP;
                default -> throw new ArmException(ErrorCode.InvalidParameter, "A schedule's action must be start or "
                        + "stop; got '" + action + "'.");
            };
            String trigger = schedule.path("triggerType").asText("Cron");
            if (!trigger.equalsIgnoreCase("Cron")) {
                throw new ArmException(ErrorCode.InvalidParameter, "Schedule trigger '" + trigger + "' is not "
                        + "supported; amlite runs cron triggers (trigger.type: cron, expression: '0 18 * * *').");
            }
            JsonNode cron = schedule.path("cron");
            CronExpression expression;
            ComputeSchedule built;
            try {
                expression = CronExpression.parse(cron.path("expression").asText(null));
                String zoneName = cron.path("timeZone").asText("UTC");
                built = new ComputeSchedule(kind, expression, ComputeSchedule.zone(zoneName), zoneName,
                        !schedule.path("status").asText("Enabled").equalsIgnoreCase("Disabled"));
            } catch (IllegalArgumentException e) {
                throw new ArmException(ErrorCode.InvalidParameter, e.getMessage());
            }
            parsed.add(built);
        }
        return List.copyOf(parsed);
    }

    private static int integer(JsonNode parent, String field, int otherwise, String yamlName) {
        JsonNode value = parent.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return otherwise;
        }
        if (!value.canConvertToInt() || !(value.isIntegralNumber() || value.asText().matches("-?\\d+"))) {
            throw new ArmException(ErrorCode.InvalidParameter, yamlName + " must be a whole number; got '"
                    + value.asText() + "'.");
        }
        return value.isNumber() ? value.asInt() : Integer.parseInt(value.asText());
    }

    private static Duration duration(JsonNode value, Duration otherwise, String yamlName) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return otherwise;
        }
        try {
            Duration parsed = value.isNumber() ? Duration.ofSeconds(value.asLong()) : Duration.parse(value.asText());
            if (parsed.isNegative()) {
                throw new DateTimeParseException("negative", value.asText(), 0);
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw new ArmException(ErrorCode.InvalidParameter, yamlName + " must be an ISO-8601 duration such as "
                    + "PT120S (or seconds); got '" + value.asText() + "'.");
        }
    }

    /** vCPUs the compute holds when it runs {@code nodes} nodes. */
    public int vCpus(int nodes) {
        return size.vCpus() * nodes;
    }
}
