package dev.amlite.control.compute;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.catalog.Region;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.StoredResource;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code workspaces/computes} (CP-1): create or update checks the name, the size against the region and the quota,
 * the node range and the schedules before anything is stored; reads add the live node counts and a cost estimate
 * (the size's price in the region × node-hours). Actions: {@code start}, {@code stop}, {@code restart} (instances,
 * 202 as in Azure) and {@code listNodes}. Delete refuses a compute a job runs on or waits for.
 */
final class ComputeHandler implements TrackedTypeHandler {
    private final TrackedResources tracked;
    private final Computes computes;
    private final OperationRunner operations;

    ComputeHandler(TrackedResources tracked, Computes computes, OperationRunner operations) {
        this.tracked = tracked;
        this.computes = computes;
        this.operations = operations;
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return Computes.TYPE;
    }

    @Override
    public ObjectNode present(StoredResource row) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        ObjectNode properties = document.with("properties");
        ObjectNode inner = properties.with("properties");
        Optional<ComputeSpec> spec = computes.spec(row);
        Instant now = computes.clock().instant();
        int nodes = computes.pool().nodeCount(row.id());
        int busy = computes.pool().busyCount(row.id());
        if (spec.isPresent() && spec.get().kind() == ComputeKind.AML_COMPUTE) {
            inner.put("currentNodeCount", nodes);
            inner.put("targetNodeCount", nodes);
            inner.put("allocationState", "Steady");
            ObjectNode counts = inner.putObject("nodeStateCounts");
            counts.put("idleNodeCount", nodes - busy).put("runningNodeCount", busy).put("preparingNodeCount", 0)
                    .put("unusableNodeCount", 0).put("leavingNodeCount", 0).put("preemptedNodeCount", 0);
        }
        if (spec.isPresent()) {
            double price = price(spec.get(), row.location());
            double nodeHours = (inner.path("nodeSecondsUsed").asDouble(0) + computes.pool().liveNodeSeconds(row.id(), now))
                    / 3600.0;
            ObjectNode cost = properties.putObject("costEstimate");
            cost.put("currency", "USD");
            cost.put("pricePerNodeHour", round(price));
            cost.put("currentNodes", nodes);
            cost.put("costPerHourNow", round(price * nodes));
            cost.put("maxCostPerHour", round(price * spec.get().maxNodes()));
            cost.put("nodeHours", Math.round(nodeHours * 10_000) / 10_000.0);
            cost.put("costSoFar", round(price * nodeHours));
        }
        inner.remove("nodeSecondsUsed");
        return document;
    }

    private double price(ComputeSpec spec, String location) {
        double factor = computes.catalog().region(location).map(Region::priceFactor).orElse(1.0);
        return spec.size().usdPerHourEastUs() * factor;
    }

    private static double round(double usd) {
        return Math.round(usd * 1000) / 1000.0;
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        ComputeSpec.checkName(id.name());
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, id, body);
        if (!placement.location().equalsIgnoreCase(placement.parent().location())) {
            throw new ArmException(ErrorCode.InvalidParameter, "A compute lives in its workspace's region '"
                    + placement.parent().location() + "'; '" + placement.location() + "' was given.");
        }
        ObjectNode properties = body.path("properties").isObject() ? (ObjectNode) body.get("properties").deepCopy()
                : Json.object();
        ComputeSpec spec = ComputeSpec.parse(properties, computes.catalog(), placement.location());
        properties.put("computeType", spec.kind().armName());
        ObjectNode inner = properties.with("properties");
        inner.put("vmSize", spec.size().name());
        StoredResource current = placement.current().orElse(null);
        if (current != null) {
            ComputeSpec before = computes.spec(current).orElse(null);
            if (before != null && (before.kind() != spec.kind() || !before.size().name().equals(spec.size().name()))) {
                throw new ArmException(ErrorCode.Conflict, "Compute '" + id.name() + "' is a " + before.kind().yamlName()
                        + " of size " + before.size().name() + "; its type and size cannot change. Only the scale "
                        + "settings, idle times, schedules and description can be updated; create another compute "
                        + "for another size.");
            }
            ObjectNode old = current.document().path("properties").path("properties").deepCopy();
            if (old.has("state")) {
                inner.put("state", old.get("state").asText());
            }
            if (old.has("nodeSecondsUsed")) {
                inner.put("nodeSecondsUsed", old.get("nodeSecondsUsed").asDouble());
            }
        }
        int holdNodes = spec.kind() == ComputeKind.COMPUTE_INSTANCE ? (current == null
                || !"Stopped".equals(Computes.instanceState(current)) ? 1 : 0) : Math.max(1, spec.minNodes());
        if (holdNodes > 0) {
            computes.quotas().check(id.subscriptionId(), placement.location(), spec.size(), spec.vCpus(holdNodes), id,
                    "compute '" + id.name() + "' (" + holdNodes + " x " + spec.size().name() + ", "
                            + spec.size().vCpus() + " vCPUs each)");
        }
        if (spec.kind() == ComputeKind.AML_COMPUTE) {
            ObjectNode scale = inner.with("scaleSettings");
            scale.put("minNodeCount", spec.minNodes());
            scale.put("maxNodeCount", spec.maxNodes());
            scale.put("nodeIdleTimeBeforeScaleDown", spec.idleBeforeScaleDown().toString());
            inner.put("vmPriority", inner.path("vmPriority").asText("Dedicated"));
        } else {
            if (current == null) {
                inner.put("state", "Running");
            }
            ArrayNode schedules = inner.with("schedules").withArray("computeStartStop");
            for (int i = 0; i < schedules.size(); i++) {
                ObjectNode schedule = (ObjectNode) schedules.get(i);
                schedule.put("action", spec.schedules().get(i).action() == ComputeSchedule.Action.START ? "Start" : "Stop");
                schedule.put("triggerType", "Cron");
                schedule.put("status", spec.schedules().get(i).enabled() ? "Enabled" : "Disabled");
                schedule.put("provisioningStatus", "Completed");
            }
        }
        properties.put("computeLocation", placement.location());
        properties.put("provisioningState", "Succeeded");
        properties.put("isAttachedCompute", false);
        ObjectNode document = Json.object();
        document.set("properties", properties);
        if (body.has("identity")) {
            document.set("identity", body.get("identity"));
        }
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        StoredResource saved = tracked.write(request.caller(), placement, document);
        Instant now = computes.clock().instant();
        if (spec.kind() == ComputeKind.AML_COMPUTE) {
            computes.pool().ensureMinimum(id, spec.minNodes(), now);
            computes.recordNodes(id, 0);
        } else if (!"Stopped".equals(Computes.instanceState(saved))) {
            computes.pool().ensureMinimum(id, 1, now);
        }
        ObjectNode shown = present(tracked.existing(id));
        return current == null ? ArmResponse.created(shown) : ArmResponse.ok(shown);
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        ResourceId id = request.resource();
        Optional<StoredResource> compute = tracked.deleting(request);
        if (compute.isEmpty()) {
            return ArmResponse.noContent();
        }
        int busy = computes.pool().busyCount(id);
        if (busy > 0) {
            throw new ArmException(ErrorCode.Conflict, "Compute '" + id.name() + "' runs " + busy + " job(s); cancel "
                    + "them ('amlite ml job cancel') or wait for them to finish before deleting it.");
        }
        List<String> waiting = computes.waitingJobs(id);
        if (!waiting.isEmpty()) {
            throw new ArmException(ErrorCode.Conflict, "Compute '" + id.name() + "' has " + waiting.size() + " job(s) "
                    + "waiting for a node: " + String.join(", ", waiting) + ". Cancel them ('amlite ml job cancel -n "
                    + "NAME') before deleting it; they would otherwise fail.");
        }
        tracked.store().deleteTree(id, compute.get().etag());
        computes.deleted(id);
        return ArmResponse.ok(null);
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        ResourceId id = request.resource();
        StoredResource compute = tracked.existing(id);
        ComputeSpec spec = computes.spec(compute).orElseThrow(() -> new ArmException(ErrorCode.Conflict,
                "Compute '" + id.name() + "' has a size amlite no longer offers."));
        String lower = action.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "listnodes" -> {
                ArrayNode nodes = Json.MAPPER.createArrayNode();
                for (ComputePool.NodeView node : computes.pool().nodes(id)) {
                    ObjectNode shown = nodes.addObject();
                    shown.put("nodeId", node.nodeId()).put("privateIpAddress", "127.0.0.1")
                            .put("nodeState", node.state()).put("since", node.since().toString());
                    if (node.job() != null) {
                        shown.put("runId", node.job());
                    }
                }
                ObjectNode answer = Json.object();
                answer.set("nodes", nodes);
                return ArmResponse.ok(answer);
            }
            case "start", "stop", "restart" -> {
                if (spec.kind() != ComputeKind.COMPUTE_INSTANCE) {
                    throw new ArmException(ErrorCode.InvalidParameter, "'" + action + "' applies to compute instances; "
                            + "cluster '" + id.name() + "' scales by itself between min_instances and max_instances.");
                }
                String state = Computes.instanceState(compute);
                if (lower.equals("start") && !"Stopped".equals(state)) {
                    throw new ArmException(ErrorCode.Conflict, "Compute instance '" + id.name() + "' is " + state
                            + " already.");
                }
                if (!lower.equals("start") && computes.pool().busyCount(id) > 0) {
                    throw new ArmException(ErrorCode.Conflict, "Compute instance '" + id.name() + "' runs a job; "
                            + "cancel it or wait for it before you " + lower + " the instance.");
                }
                if (lower.equals("stop") && "Stopped".equals(state)) {
                    throw new ArmException(ErrorCode.Conflict, "Compute instance '" + id.name() + "' is stopped already.");
                }
                if (lower.equals("start")) {
                    computes.quotas().check(id.subscriptionId(), compute.location(), spec.size(), spec.vCpus(1), id,
                            "starting compute instance '" + id.name() + "'");
                }
                Operation operation = operations.start(lower.equals("start") ? Computes.START
                        : lower.equals("stop") ? Computes.STOP : Computes.RESTART, id, Json.object().put("id", id.id()));
                return operations.accepted(request, operation);
            }
            default -> throw new ArmException(ErrorCode.NotFound, "The action '" + action + "' is not defined on "
                    + "computes; they offer start, stop, restart and listNodes.");
        }
    }
}
