package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code amlite ml compute …} (CP-1): compute clusters and instances from options or the azureml compute YAML,
 * start/stop/restart, nodes, and the region's sizes and quota usage. Shapes are az ml's (snake_case).
 */
final class MlComputeCommands {
    static final List<Column> COLUMNS = List.of(Column.of("Name", "name"), Column.of("Type", "type"),
            Column.of("Size", "size"), Column.of("State", "state"), Column.of("Location", "location"));
    private static final Set<String> YAML_FIELDS = Set.of("$schema", "name", "type", "size", "location", "description",
            "tags", "min_instances", "max_instances", "idle_time_before_scale_down", "tier",
            "idle_time_before_shutdown_minutes", "idle_time_before_shutdown", "schedules", "ssh_public_access_enabled",
            "admin_username", "admin_password", "ssh_key_value", "network_settings", "enable_node_public_ip",
            "identity");

    private MlComputeCommands() {
    }

    @Command(name = "compute", description = "Manage Azure ML compute clusters and instances.", subcommands = {
            Create.class, Show.class, ListCommand.class, Update.class, Delete.class, Start.class, Stop.class,
            Restart.class, ListNodes.class, ListSizes.class, ListUsage.class})
    static final class Compute {
    }

    abstract static class ComputeLeaf extends MlEndpointCommands.EndpointLeaf {
        String computePath(Session session, String name) {
            return workspacePath(session) + "/computes/" + name;
        }
    }

    static ObjectNode view(JsonNode arm) {
        JsonNode p = arm.path("properties");
        JsonNode inner = p.path("properties");
        ObjectNode view = Json.object();
        view.put("name", arm.path("name").asText());
        view.put("id", arm.path("id").asText());
        view.put("location", arm.path("location").asText());
        String[] parts = arm.path("id").asText().split("/");
        view.put("resourceGroup", parts.length > 4 ? parts[4] : null);
        String type = p.path("computeType").asText();
        view.put("type", type.toLowerCase(Locale.ROOT));
        view.put("size", inner.path("vmSize").asText(null));
        view.put("provisioning_state", p.path("provisioningState").asText());
        if (p.hasNonNull("description")) {
            view.put("description", p.path("description").asText());
        }
        if (type.equals("AmlCompute")) {
            JsonNode scale = inner.path("scaleSettings");
            view.put("min_instances", scale.path("minNodeCount").asInt());
            view.put("max_instances", scale.path("maxNodeCount").asInt());
            view.put("idle_time_before_scale_down", seconds(scale.path("nodeIdleTimeBeforeScaleDown").asText("PT120S")));
            view.put("tier", inner.path("vmPriority").asText("Dedicated").equalsIgnoreCase("LowPriority")
                    ? "low_priority" : "dedicated");
            view.put("current_node_count", inner.path("currentNodeCount").asInt());
            view.put("state", inner.path("allocationState").asText("Steady"));
        } else {
            view.put("state", inner.path("state").asText());
            if (inner.hasNonNull("idleTimeBeforeShutdown")) {
                view.put("idle_time_before_shutdown_minutes",
                        seconds(inner.path("idleTimeBeforeShutdown").asText()) / 60);
            }
            ArrayNode schedules = Json.MAPPER.createArrayNode();
            for (JsonNode s : inner.path("schedules").path("computeStartStop")) {
                ObjectNode shown = schedules.addObject();
                shown.put("action", s.path("action").asText().toLowerCase(Locale.ROOT));
                ObjectNode trigger = shown.putObject("trigger");
                trigger.put("type", "cron");
                trigger.put("expression", s.path("cron").path("expression").asText());
                trigger.put("time_zone", s.path("cron").path("timeZone").asText("UTC"));
                if (s.path("cron").hasNonNull("startTime")) {
                    trigger.put("start_time", s.path("cron").path("startTime").asText());
                }
                shown.put("state", s.path("status").asText("Enabled").toLowerCase(Locale.ROOT));
            }
            if (!schedules.isEmpty()) {
                view.putObject("schedules").set("compute_start_stop", schedules);
            }
        }
        if (p.has("costEstimate")) {
            JsonNode cost = p.path("costEstimate");
            ObjectNode shown = view.putObject("cost_estimate");
            shown.put("price_per_node_hour_usd", cost.path("pricePerNodeHour").asDouble());
            shown.put("cost_per_hour_now_usd", cost.path("costPerHourNow").asDouble());
            shown.put("max_cost_per_hour_usd", cost.path("maxCostPerHour").asDouble());
            shown.put("node_hours", cost.path("nodeHours").asDouble());
            shown.put("cost_so_far_usd", cost.path("costSoFar").asDouble());
        }
        view.set("tags", arm.path("tags").isObject() ? arm.get("tags") : Json.object());
        return view;
    }

    private static long seconds(String iso) {
        try {
            return Duration.parse(iso).toSeconds();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The ARM body of a compute from its YAML (or {}) with the options laid over it. */
    static ObjectNode body(JsonNode yaml, String type, String size, Integer min, Integer max, Integer idle,
                           String tier, String description, String location) {
        java.util.Iterator<String> names = yaml.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!YAML_FIELDS.contains(field)) {
                List<String> allowed = new ArrayList<>(YAML_FIELDS);
                allowed.sort(String::compareTo);
                throw new CliError("The compute YAML has an unknown field '" + field + "'. Allowed fields: "
                        + String.join(", ", allowed) + ".", 1);
            }
        }
        String kind = type != null ? type : yaml.path("type").asText(null);
        if (kind == null) {
            throw new CliError("the following arguments are required: --type/-t (amlcompute or computeinstance), or "
                    + "'type' in the YAML", 2);
        }
        ObjectNode body = Json.object();
        String where = location != null ? location : yaml.path("location").asText(null);
        if (where != null) {
            body.put("location", where);
        }
        if (yaml.has("tags")) {
            body.set("tags", yaml.get("tags"));
        }
        ObjectNode properties = body.putObject("properties");
        properties.put("computeType", switch (kind.toLowerCase(Locale.ROOT)) {
            case "amlcompute" -> "AmlCompute";
            case "computeinstance" -> "ComputeInstance";
            default -> kind;
        });
        String text = description != null ? description : yaml.path("description").asText(null);
        if (text != null) {
            properties.put("description", text);
        }
        ObjectNode inner = properties.putObject("properties");
        String vmSize = size != null ? size : yaml.path("size").asText(null);
        if (vmSize != null) {
            inner.put("vmSize", vmSize);
        }
        if (properties.path("computeType").asText().equals("AmlCompute")) {
            ObjectNode scale = inner.putObject("scaleSettings");
            JsonNode minimum = min != null ? Json.MAPPER.valueToTree(min) : yaml.get("min_instances");
            JsonNode maximum = max != null ? Json.MAPPER.valueToTree(max) : yaml.get("max_instances");
            if (minimum != null) {
                scale.set("minNodeCount", minimum);
            }
            if (maximum != null) {
                scale.set("maxNodeCount", maximum);
            }
            JsonNode idleTime = idle != null ? Json.MAPPER.valueToTree(idle) : yaml.get("idle_time_before_scale_down");
            if (idleTime != null) {
                scale.put("nodeIdleTimeBeforeScaleDown", idleTime.canConvertToLong() && idleTime.isNumber()
                        ? Duration.ofSeconds(idleTime.asLong()).toString() : idleTime.asText());
            }
            String priority = tier != null ? tier : yaml.path("tier").asText("dedicated");
            inner.put("vmPriority", priority.equalsIgnoreCase("low_priority") ? "LowPriority" : "Dedicated");
        } else {
            if (yaml.has("idle_time_before_shutdown_minutes")) {
                JsonNode minutes = yaml.get("idle_time_before_shutdown_minutes");
                if (!minutes.canConvertToLong() || !minutes.isNumber()) {
                    throw new CliError("idle_time_before_shutdown_minutes must be a number of minutes; got '"
                            + minutes.asText() + "'.", 1);
                }
                inner.put("idleTimeBeforeShutdown", Duration.ofMinutes(minutes.asLong()).toString());
            } else if (yaml.has("idle_time_before_shutdown")) {
                inner.put("idleTimeBeforeShutdown", yaml.get("idle_time_before_shutdown").asText());
            }
            JsonNode schedules = yaml.path("schedules").path("compute_start_stop");
            if (!schedules.isMissingNode()) {
                ArrayNode list = inner.putObject("schedules").putArray("computeStartStop");
                for (JsonNode s : schedules) {
                    JsonNode trigger = s.path("trigger");
                    ObjectNode shown = list.addObject();
                    shown.put("action", s.path("action").asText());
                    shown.put("triggerType", trigger.path("type").asText("cron"));
                    ObjectNode cron = shown.putObject("cron");
                    cron.put("expression", trigger.path("expression").asText(null));
                    cron.put("timeZone", trigger.path("time_zone").asText("UTC"));
                    if (trigger.has("start_time")) {
                        cron.put("startTime", trigger.path("start_time").asText());
                    }
                    shown.put("status", s.path("state").asText("enabled").equalsIgnoreCase("disabled")
                            ? "Disabled" : "Enabled");
                }
            }
        }
        return body;
    }

    @Command(name = "create", description = "Create a compute cluster (amlcompute) or instance (computeinstance).")
    static final class Create extends ComputeLeaf {
        @Option(names = {"-n", "--name"}, description = "Name (overrides the YAML's).")
        String name;
        @Option(names = {"-f", "--file"}, description = "Compute YAML.")
        Path file;
        @Option(names = {"-t", "--type"}, description = "amlcompute or computeinstance.")
        String type;
        @Option(names = "--size", description = "VM size, e.g. Standard_DS3_v2 ('amlite ml compute list-sizes').")
        String size;
        @Option(names = "--min-instances", description = "Cluster: nodes kept (default 0).")
        Integer min;
        @Option(names = "--max-instances", description = "Cluster: most nodes (default 1).")
        Integer max;
        @Option(names = "--idle-time-before-scale-down", description = "Cluster: seconds a node may idle (default 120).")
        Integer idle;
        @Option(names = "--tier", description = "dedicated or low_priority.")
        String tier;
        @Option(names = {"-l", "--location"}, description = "Region (default: the workspace's).")
        String location;
        @Option(names = "--description", description = "Description.")
        String description;
        @Option(names = "--no-wait", description = "Do not wait for the operation to finish.")
        boolean noWait;

        @Override
        JsonNode run(Session session) {
            JsonNode yaml = file == null ? Json.object() : Yaml.read(file);
            String compute = AssetYaml.name(name, yaml);
            ObjectNode body = body(yaml, type, size, min, max, idle, tier, description, location);
            String path = computePath(session, compute);
            session.longRunning("PUT", path, MlCommands.ML_API, body, noWait);
            return noWait ? null : view(session.send("GET", path, MlCommands.ML_API, null));
        }
    }

    @Command(name = "update", description = "Update a cluster's scale settings, or an instance's schedules and idle shutdown.")
    static final class Update extends ComputeLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Compute name.")
        String name;
        @Option(names = {"-f", "--file"}, description = "Compute YAML with the new settings.")
        Path file;
        @Option(names = "--min-instances", description = "Cluster: nodes kept.")
        Integer min;
        @Option(names = "--max-instances", description = "Cluster: most nodes.")
        Integer max;
        @Option(names = "--idle-time-before-scale-down", description = "Cluster: seconds a node may idle.")
        Integer idle;
        @Option(names = "--description", description = "Description.")
        String description;
        @Option(names = "--no-wait", description = "Do not wait for the operation to finish.")
        boolean noWait;

        @Override
        JsonNode run(Session session) {
            String path = computePath(session, name);
            JsonNode current = session.send("GET", path, MlCommands.ML_API, null);
            ObjectNode body = Json.object();
            body.put("location", current.path("location").asText());
            if (current.has("tags")) {
                body.set("tags", current.get("tags"));
            }
            ObjectNode properties = body.putObject("properties");
            JsonNode was = current.path("properties");
            properties.put("computeType", was.path("computeType").asText());
            if (was.hasNonNull("description")) {
                properties.put("description", was.path("description").asText());
            }
            ObjectNode inner = properties.putObject("properties");
            JsonNode wasInner = was.path("properties");
            for (String field : List.of("vmSize", "vmPriority", "scaleSettings", "idleTimeBeforeShutdown", "schedules")) {
                if (wasInner.has(field)) {
                    inner.set(field, wasInner.get(field).deepCopy());
                }
            }
            if (file != null) {
                ObjectNode given = body(Yaml.read(file), was.path("computeType").asText(), null, null, null, null,
                        null, null, null);
                given.path("properties").path("properties").fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("vmSize") || !e.getValue().isNull()) {
                        inner.set(e.getKey(), e.getValue());
                    }
                });
                if (given.path("properties").has("description")) {
                    properties.set("description", given.path("properties").get("description"));
                }
            }
            ObjectNode scale = inner.with("scaleSettings");
            if (min != null) {
                scale.put("minNodeCount", min);
            }
            if (max != null) {
                scale.put("maxNodeCount", max);
            }
            if (idle != null) {
                scale.put("nodeIdleTimeBeforeScaleDown", Duration.ofSeconds(idle).toString());
            }
            if (scale.isEmpty()) {
                inner.remove("scaleSettings");
            }
            if (description != null) {
                properties.put("description", description);
            }
            session.longRunning("PUT", path, MlCommands.ML_API, body, noWait);
            return noWait ? null : view(session.send("GET", path, MlCommands.ML_API, null));
        }
    }

    @Command(name = "show", description = "Show a compute.")
    static final class Show extends ComputeLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Compute name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return view(session.send("GET", computePath(session, name), MlCommands.ML_API, null));
        }
    }

    @Command(name = "list", description = "List the computes of a workspace.")
    static final class ListCommand extends ComputeLeaf {
        @Option(names = "--type", description = "Only this type (amlcompute or computeinstance).")
        String type;

        @Override
        JsonNode run(Session session) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (JsonNode item : session.send("GET", workspacePath(session) + "/computes", MlCommands.ML_API, null)
                    .path("value")) {
                ObjectNode shown = view(item);
                if (type == null || shown.path("type").asText().equalsIgnoreCase(type)) {
                    out.add(shown);
                }
            }
            return out;
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }

    @Command(name = "delete", description = "Delete a compute.")
    static final class Delete extends ComputeLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Compute name.")
        String name;
        @Option(names = {"-y", "--yes"}, description = "Do not prompt for confirmation.")
        boolean yes;
        @Option(names = "--no-wait", description = "Do not wait for the deletion to finish.")
        boolean noWait;

        @Override
        JsonNode run(Session session) {
            Confirm.require(yes, "Deleting compute '" + name + "'.");
            session.longRunning("DELETE", computePath(session, name), MlCommands.ML_API, null, noWait);
            return null;
        }
    }

    abstract static class StateChange extends ComputeLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Compute instance name.")
        String name;
        @Option(names = "--no-wait", description = "Do not wait for the operation to finish.")
        boolean noWait;

        abstract String action();

        @Override
        JsonNode run(Session session) {
            String path = computePath(session, name);
            session.longRunning("POST", path + "/" + action(), MlCommands.ML_API, null, noWait);
            return noWait ? null : view(session.send("GET", path, MlCommands.ML_API, null));
        }
    }

    @Command(name = "start", description = "Start a stopped compute instance.")
    static final class Start extends StateChange {
        @Override
        String action() {
            return "start";
        }
    }

    @Command(name = "stop", description = "Stop a compute instance (its node stops; it holds no quota while stopped).")
    static final class Stop extends StateChange {
        @Override
        String action() {
            return "stop";
        }
    }

    @Command(name = "restart", description = "Restart a compute instance.")
    static final class Restart extends StateChange {
        @Override
        String action() {
            return "restart";
        }
    }

    @Command(name = "list-nodes", description = "The nodes of a compute and the jobs on them.")
    static final class ListNodes extends ComputeLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Compute name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("POST", computePath(session, name) + "/listNodes", MlCommands.ML_API, null).path("nodes");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("NodeId", "nodeId"), Column.of("State", "nodeState"), Column.of("RunId", "runId"));
        }
    }

    static String locationPath(Session session, String location) {
        return "/subscriptions/" + session.subscriptionId() + "/providers/Microsoft.MachineLearningServices/locations/"
                + location;
    }

    @Command(name = "list-sizes", description = "The VM sizes a region offers, with vCPUs, GPUs and price.")
    static final class ListSizes extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region, e.g. japaneast.")
        String location;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", locationPath(session, location) + "/vmSizes", MlCommands.ML_API, null).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name"), Column.of("Family", "family"), Column.of("VCPUs", "vCPUs"),
                    Column.of("Gpus", "gpus"), Column.of("MemoryGB", "memoryGB"),
                    Column.of("PricePerHourUSD", "estimatedVMPrices.values[0].retailPrice"));
        }
    }

    @Command(name = "list-usage", description = "vCPU usage and limit per VM family in a region.")
    static final class ListUsage extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region, e.g. japaneast.")
        String location;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", locationPath(session, location) + "/usages", MlCommands.ML_API, null).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name.value"), Column.of("CurrentValue", "currentValue"),
                    Column.of("Limit", "limit"), Column.of("Unit", "unit"));
        }
    }
}
