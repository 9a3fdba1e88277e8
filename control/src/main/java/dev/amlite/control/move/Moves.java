package dev.amlite.control.move;

import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.operations.OperationWorker;
import dev.amlite.core.ArmError;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The move actions of a resource group (RM-7): {@code validateMoveResources} answers ARM's way — 202 with Location;
 * the operation then ends 204, or with {@code ResourceMoveValidationFailed} whose details list every problem at
 * once. The checks run when the request arrives, with the caller's rights; the operation carries their outcome (and
 * what the move would leave behind, shown by the operation status). {@code moveResources} runs the same checks
 * with the caller's rights, then moves each resource's subtree in one transaction ({@code ResourceStore.moveTree}):
 * a workspace is marked moving first (every request on it answers 409), data assets stay behind (kept at the source
 * id, reachable again by a workspace of that name there), role assignments on it are removed in the same
 * transaction and recorded in the moved workspace's {@code properties.amliteMoveHistory}.
 */
public final class Moves {
    static final String VALIDATE = "resourceGroups.validateMoveResources";
    static final String MOVE = "resourceGroups.moveResources";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Moves.class);
    private final MoveValidation validation;
    private final OperationRunner operations;
    private final dev.amlite.store.ResourceStore store;
    private final dev.amlite.control.rbac.Authorizer authorizer;
    private final java.time.Clock clock;

    public Moves(MoveValidation validation, OperationRunner operations, dev.amlite.store.ResourceStore store,
                 dev.amlite.control.rbac.Authorizer authorizer, java.time.Clock clock) {
        this.validation = validation;
        this.operations = operations;
        this.store = store;
        this.authorizer = authorizer;
        this.clock = clock;
        operations.register(MOVE, new OperationWorker() {
            @Override
            public void run(Operation operation) {
                carryOut(operation);
            }

            @Override
            public boolean resumable() {
                return true; // each step checks where the resource is: a resumed move finishes, never repeats
            }
        });
        operations.register(VALIDATE, new OperationWorker() {
            @Override
            public void run(Operation operation) {
                failIfRefused(Json.parse(operation.request()));
            }

            @Override
            public boolean resumable() {
                return true;
            }
        });
    }

    /** Handles a POST action on a resource group; null when it is not a move action. */
    public ArmResponse action(ArmRequest request, String action) {
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "validatemoveresources" -> validate(request);
            case "moveresources" -> move(request);
            default -> null;
        };
    }

    private ArmResponse validate(ArmRequest request) {
        MoveValidation.MoveRequest move = MoveValidation.MoveRequest.parse(request.resource(), request.body());
        MoveValidation.Outcome outcome = validation.validate(request.caller().objectId(), move);
        var recorded = Json.object();
        recorded.set("problems", outcome.json().get("problems"));
        recorded.putObject("result").set("leftBehind", outcome.json().get("leftBehind"));
        recorded.put("message", outcome.problems().isEmpty() ? "" : outcome.failure(move).getMessage());
        Operation operation = operations.start(VALIDATE, request.resource(), recorded);
        return operations.accepted(request, operation);
    }

    private ArmResponse move(ArmRequest request) {
        MoveValidation.MoveRequest move = MoveValidation.MoveRequest.parse(request.resource(), request.body());
        MoveValidation.Outcome outcome = validation.validate(request.caller().objectId(), move);
        var recorded = Json.object();
        recorded.set("problems", outcome.json().get("problems"));
        recorded.put("message", outcome.problems().isEmpty() ? "" : outcome.failure(move).getMessage());
        recorded.put("sourceGroup", move.sourceGroup().id());
        recorded.put("targetGroup", move.targetGroup().id());
        var resources = recorded.putArray("resources");
        move.resources().forEach(r -> resources.add(r.id()));
        recorded.putObject("result").set("leftBehind", outcome.json().get("leftBehind"));
        Operation operation = operations.start(MOVE, request.resource(), recorded);
        return operations.accepted(request, operation);
    }

    /** Ends the operation with the problems the checks found when the request came, if any. */
    private static void failIfRefused(com.fasterxml.jackson.databind.JsonNode recorded) {
        List<ArmError> problems = new ArrayList<>();
        recorded.path("problems").forEach(p -> problems.add(Json.convert(p, ArmError.class)));
        if (!problems.isEmpty()) {
            throw new ArmException(ErrorCode.ResourceMoveValidationFailed, recorded.path("message").asText(), null,
                    problems);
        }
    }

    private void carryOut(Operation operation) {
        var recorded = Json.parse(operation.request());
        failIfRefused(recorded);
        dev.amlite.core.ResourceId sourceGroup = dev.amlite.core.ResourceId.parse(recorded.path("sourceGroup").asText());
        dev.amlite.core.ResourceId targetGroup = dev.amlite.core.ResourceId.parse(recorded.path("targetGroup").asText());
        MoveValidation.MoveRequest move = new MoveValidation.MoveRequest(sourceGroup, List.of(), targetGroup);
        for (var id : recorded.path("resources")) {
            dev.amlite.core.ResourceId source = dev.amlite.core.ResourceId.parse(id.asText());
            moveOne(operation, source, move.targetOf(source));
        }
        authorizer.invalidate();
    }

    private void moveOne(Operation operation, dev.amlite.core.ResourceId source, dev.amlite.core.ResourceId target) {
        boolean atSource = store.get(source).isPresent();
        if (!atSource) {
            // Resumed after a crash: the move's transaction had committed; only the mark is left to clear.
            store.get(target).ifPresent(moved -> clearMark(target));
            return;
        }
        boolean workspace = source.typeKey().equals(MoveValidation.ML);
        if (workspace) {
            List<ArmError> busy = validation.quietProblems(store.get(source).orElseThrow());
            if (!busy.isEmpty()) {
                clearMarkAt(source); // a resumed move may have marked it before the crash
                throw new ArmException(ErrorCode.ResourceMoveValidationFailed, "Workspace '" + source.name()
                        + "' stopped being quiet after the move was accepted; nothing was moved.", null, busy);
            }
            dev.amlite.control.resources.DocumentEdit.apply(store, source, document -> document.with("properties")
                    .putObject("amliteMoving").put("operation", operation.id()).put("target", target.id()));
        }
        ResourceStore.MovedTree result;
        long started = System.nanoTime();
        try {
            result = store.moveTree(source, target, workspace ? MoveValidation.STAYING : java.util.Set.of(),
                    workspace ? java.util.Set.of(MoveValidation.ROLE_ASSIGNMENTS) : java.util.Set.of(),
                    references(source, target));
        } catch (RuntimeException e) {
            if (workspace) {
                clearMarkAt(source);
            }
            throw e;
        }
        LOG.info("Moved {} to {}: {} resource(s), {} role assignment(s) removed, in {} ms", source.id(), target.id(),
                result.moved(), result.dropped().size(), (System.nanoTime() - started) / 1_000_000);
        dev.amlite.control.resources.DocumentEdit.apply(store, target, document -> {
            var properties = document.with("properties");
            properties.remove("amliteMoving");
            var entry = properties.withArray("amliteMoveHistory").addObject();
            entry.put("from", source.id()).put("to", target.id()).put("at", clock.instant().toString())
                    .put("operation", operation.id());
            var removed = entry.putArray("removedRoleAssignments");
            for (var assignment : result.dropped()) {
                var shown = removed.addObject();
                var p = assignment.document().path("properties");
                shown.put("name", assignment.id().name()).put("principalId", p.path("principalId").asText())
                        .put("roleDefinitionId", p.path("roleDefinitionId").asText())
                        .put("scope", p.path("scope").asText(source.id()));
            }
        });
    }

    /**
     * What documents inside the moved subtree say about it besides its ARM id (which the store rewrites itself):
     * the long form of datastore URIs ({@code azureml://subscriptions/…/resourcegroups/…/workspaces/…}, with or
     * without the provider segment), what asset versions keep.
     */
    static List<ResourceStore.Rewrite> references(ResourceId source, ResourceId target) {
        String from = "azureml://subscriptions/" + source.subscriptionId() + "/resourcegroups/" + source.resourceGroup();
        String to = "azureml://subscriptions/" + target.subscriptionId() + "/resourcegroups/" + target.resourceGroup()
                + "/workspaces/" + target.name();
        return List.of(new ResourceStore.Rewrite(from + "/workspaces/" + source.name(), to),
                new ResourceStore.Rewrite(from + "/providers/Microsoft.MachineLearningServices/workspaces/"
                        + source.name(), to));
    }

    private void clearMark(dev.amlite.core.ResourceId at) {
        dev.amlite.control.resources.DocumentEdit.apply(store, at, document -> document.with("properties")
                .remove("amliteMoving"));
    }

    private void clearMarkAt(dev.amlite.core.ResourceId at) {
        try {
            clearMark(at);
        } catch (RuntimeException e) {
            LOG.warn("Could not clear the moving mark of {}: {}", at.id(), e.toString());
        }
    }
}
