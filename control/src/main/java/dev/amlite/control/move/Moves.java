package dev.amlite.control.move;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.network.PrivateEndpointHandler;
import dev.amlite.control.operations.CrashPoints;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.operations.OperationWorker;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.resources.DocumentEdit;
import dev.amlite.control.workspace.WorkspacePrivateLink;
import dev.amlite.core.ArmError;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.Relocatable;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The move actions of a resource group (RM-7): {@code validateMoveResources} answers ARM's way — 202 with Location;
 * the operation then ends 204, or with {@code ResourceMoveValidationFailed} whose details list every problem at
 * once. The checks run when the request arrives, with the caller's rights; the operation carries their outcome (and
 * what the move would leave behind, shown by the operation status). {@code moveResources} runs the same checks
 * with the caller's rights, then moves every listed resource's subtree in one transaction
 * ({@code ResourceStore.moveTrees}): a workspace is marked moving first (every request on it answers 409), data
 * assets stay behind (kept at the source id, reachable again by a workspace of that name there), role assignments
 * and private endpoint connections on it are removed, and the moved workspace's {@code properties.amliteMoveHistory}
 * records all that with what to do about it ({@link LeftBehind}) — in the same transaction. After the commit,
 * private endpoints ask again (Pending) and default datastores follow a moved storage account, steps a resumed
 * operation repeats safely.
 */
public final class Moves {
    static final String VALIDATE = "resourceGroups.validateMoveResources";
    static final String MOVE = "resourceGroups.moveResources";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Moves.class);
    private final MoveValidation validation;
    private final OperationRunner operations;
    private final ResourceStore store;
    private final Authorizer authorizer;
    private final CrashPoints crashPoints;
    private final Clock clock;

    public Moves(MoveValidation validation, OperationRunner operations, ResourceStore store,
                 Authorizer authorizer, CrashPoints crashPoints, Clock clock) {
        this.validation = validation;
        this.operations = operations;
        this.store = store;
        this.authorizer = authorizer;
        this.crashPoints = crashPoints;
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
        ResourceId sourceGroup = ResourceId.parse(recorded.path("sourceGroup").asText());
        ResourceId targetGroup = ResourceId.parse(recorded.path("targetGroup").asText());
        MoveValidation.MoveRequest move = new MoveValidation.MoveRequest(sourceGroup, List.of(), targetGroup);
        List<ResourceStore.MoveRoot> roots = new ArrayList<>();
        for (var id : recorded.path("resources")) {
            ResourceId source = ResourceId.parse(id.asText());
            roots.add(new ResourceStore.MoveRoot(source, move.targetOf(source)));
        }
        List<ResourceStore.MoveRoot> workspaces = roots.stream()
                .filter(root -> root.source().typeKey().equals(MoveValidation.ML)).toList();
        // One transaction moves every listed resource: they are all at the source or all at the target. Found at
        // the target, this is a resumed operation whose transaction had committed (its marks cleared with it).
        if (store.get(roots.getFirst().source()).isPresent()) {
            moveAll(operation, roots, workspaces);
            crashPoints.reached("move.committed");
        }
        for (ResourceStore.MoveRoot workspace : workspaces) {
            afterMove(operation, workspace, roots);
        }
        authorizer.invalidate();
    }

    private void moveAll(Operation operation, List<ResourceStore.MoveRoot> roots, List<ResourceStore.MoveRoot> workspaces) {
        long checking = System.nanoTime();
        List<ArmError> busy = new ArrayList<>();
        for (ResourceStore.MoveRoot workspace : workspaces) {
            busy.addAll(validation.quietProblems(store.get(workspace.source()).orElseThrow()));
        }
        if (!busy.isEmpty()) {
            workspaces.forEach(w -> clearMarkAt(w.source())); // a resumed move may have marked them before the crash
            throw new ArmException(ErrorCode.ResourceMoveValidationFailed, "The workspace stopped being quiet after "
                    + "the move was accepted; nothing was moved.", null, busy);
        }
        java.util.Map<ResourceStore.MoveRoot, ObjectNode> records = new java.util.HashMap<>();
        List<ResourceStore.Rewrite> rewrites = new ArrayList<>();
        for (ResourceStore.MoveRoot workspace : workspaces) {
            records.put(workspace, LeftBehind.describe(store, workspace, roots));
            rewrites.addAll(references(workspace.source(), workspace.target()));
            DocumentEdit.apply(store, workspace.source(), document -> document.with("properties")
                    .putObject("amliteMoving").put("operation", operation.id()).put("target", workspace.target().id()));
        }
        crashPoints.reached("move.marked");
        long started = System.nanoTime();
        ResourceStore.MovedTree result;
        try {
            result = store.moveTrees(roots, workspaces.isEmpty() ? Set.of() : MoveValidation.STAYING,
                    Set.of(MoveValidation.ROLE_ASSIGNMENTS, MoveValidation.PE_CONNECTIONS), rewrites,
                    (root, document, dropped) -> {
                        record(operation, root, document, dropped, records.get(root));
                        crashPoints.reached("move.in-transaction"); // everything written, nothing committed
                    });
        } catch (RuntimeException e) {
            workspaces.forEach(w -> clearMarkAt(w.source()));
            throw e;
        }
        LOG.info("Moved {} resource(s) from {} to {}: {} row(s), {} role assignment(s) and private endpoint "
                        + "connection(s) removed, in {} ms (checks and mark before it: {} ms)", roots.size(),
                roots.getFirst().source().parent().id(), roots.getFirst().target().parent().id(), result.moved(),
                result.dropped().size(), (System.nanoTime() - started) / 1_000_000, (started - checking) / 1_000_000);
    }

    /**
     * The moved root's last change, in the move's transaction: the mark goes, and {@code amliteMoveHistory} says
     * what the move removed (role assignments, private endpoint connections) and what it left behind.
     */
    private void record(Operation operation, ResourceStore.MoveRoot root, ObjectNode document,
                        List<StoredResource> dropped, ObjectNode leftBehind) {
        ObjectNode properties = document.with("properties");
        properties.remove("amliteMoving");
        ObjectNode entry = MoveHistory.append(properties);
        entry.put("from", root.source().id()).put("to", root.target().id()).put("at", clock.instant().toString())
                .put("operation", operation.id());
        ArrayNode assignments = entry.putArray("removedRoleAssignments");
        ArrayNode connections = entry.putArray("disconnectedPrivateEndpointConnections");
        for (StoredResource row : dropped) {
            JsonNode p = row.document().path("properties");
            if (row.id().typeKey().equals(MoveValidation.ROLE_ASSIGNMENTS)) {
                assignments.addObject().put("name", row.id().name()).put("principalId", p.path("principalId").asText())
                        .put("roleDefinitionId", p.path("roleDefinitionId").asText())
                        .put("scope", p.path("scope").asText(root.source().id()));
            } else {
                connections.addObject().put("name", row.id().name())
                        .put("privateEndpoint", p.path("privateEndpoint").path("id").asText())
                        .put("status", p.path("privateLinkServiceConnectionState").path("status").asText());
            }
        }
        if (leftBehind != null) {
            entry.setAll(leftBehind);
        }
    }

    /**
     * What follows the committed move of a workspace, each step safe to repeat (a resumed operation runs them
     * again): MV-6, each private endpoint whose connection the move removed is asked to connect again, pending the
     * owner's approval; MV-7, the default datastores follow the workspace's storage account when it moved too.
     */
    private void afterMove(Operation operation, ResourceStore.MoveRoot workspace, List<ResourceStore.MoveRoot> roots) {
        StoredResource moved = store.get(workspace.target()).orElse(null);
        if (moved == null) {
            return;
        }
        JsonNode entry = null;
        for (JsonNode e : moved.document().path("properties").path("amliteMoveHistory")) {
            if (e.path("operation").asText().equals(operation.id())) {
                entry = e;
            }
        }
        if (entry == null) {
            return;
        }
        for (JsonNode connection : entry.path("disconnectedPrivateEndpointConnections")) {
            reconnect(workspace, moved, ResourceId.parse(connection.path("privateEndpoint").asText()));
            crashPoints.reached("move.reconnected");
        }
        ResourceId storage = ResourceId.parse(moved.document().path("properties").path("storageAccount").asText(
                workspace.target().id()));
        boolean storageMoved = roots.stream().anyMatch(root -> root.target().key().equals(storage.key()));
        if (storageMoved) {
            for (StoredResource datastore : store.listChildren(workspace.target(), MoveValidation.ML + "/datastores")) {
                JsonNode p = datastore.document().path("properties");
                if (p.path("properties").path("amlite.system").asBoolean(false)
                        && p.path("accountName").asText().equalsIgnoreCase(storage.name())
                        && !(storage.subscriptionId().equals(p.path("subscriptionId").asText())
                        && storage.resourceGroup().equals(p.path("resourceGroup").asText()))) {
                    DocumentEdit.apply(store, datastore.id(), document -> document.with("properties")
                            .put("subscriptionId", storage.subscriptionId()).put("resourceGroup", storage.resourceGroup()));
                }
            }
        }
    }

    /** A new connection of {@code endpoint} to the moved workspace, Pending, unless one exists already. */
    private void reconnect(ResourceStore.MoveRoot workspace, StoredResource moved, ResourceId endpoint) {
        boolean exists = store.listChildren(workspace.target(), MoveValidation.PE_CONNECTIONS).stream().anyMatch(c ->
                c.document().path("properties").path("privateEndpoint").path("id").asText().equalsIgnoreCase(endpoint.id()));
        String description = "Workspace '" + workspace.target().name() + "' moved from '" + workspace.source().id()
                + "'; approve this connection to reach it through the private endpoint again.";
        if (!exists && store.get(endpoint).isPresent()) {
            ObjectNode document = WorkspacePrivateLink.connectionDocument(endpoint, "Pending", description);
            String now = clock.instant().toString();
            document.putObject("systemData").put("createdBy", "amlite workspace move").put("createdByType", "Application")
                    .put("createdAt", now).put("lastModifiedBy", "amlite workspace move")
                    .put("lastModifiedByType", "Application").put("lastModifiedAt", now);
            store.insert(WorkspacePrivateLink.connectionId(workspace.target(), endpoint), moved.location(), document);
            crashPoints.reached("move.connection-created"); // the endpoint's own view not yet changed
        }
        // The endpoint's own view: its connection to the old id now asks the workspace at its new id.
        PrivateEndpointHandler.retarget(store, endpoint, workspace.source(), workspace.target(), "Pending", description);
    }

    /** The long form of datastore URIs, how asset versions and jobs name their workspace besides its ARM id. */
    static final String DATASTORE_URI_FORM = "azureml://subscriptions/{subscription}/resourcegroups/{group}/workspaces/{name}";

    /**
     * How the store keeps a workspace's subtree: relative to the workspace, so that moving it rewrites two rows,
     * with the references to it in both its forms read back at its current place.
     */
    public static final Relocatable WORKSPACES = new Relocatable(MoveValidation.ML, List.of(DATASTORE_URI_FORM));

    /**
     * What documents inside the moved subtree say about it besides its ARM id (which the store rewrites itself):
     * the long form of datastore URIs ({@code azureml://subscriptions/…/resourcegroups/…/workspaces/…}, with or
     * without the provider segment), what asset versions keep. Below the workspace the store keeps these as
     * markers when spelled as the workspace spells them (the {@code Relocatable} ControlPlane declares); these
     * rewrites are for the other spellings.
     */
    static List<ResourceStore.Rewrite> references(ResourceId source, ResourceId target) {
        String to = datastoreUri(target);
        return List.of(new ResourceStore.Rewrite(datastoreUri(source), to),
                new ResourceStore.Rewrite(datastoreUri(source).replace("/workspaces/",
                        "/providers/Microsoft.MachineLearningServices/workspaces/"), to));
    }

    private static String datastoreUri(ResourceId workspace) {
        return Relocatable.fill(DATASTORE_URI_FORM, workspace.subscriptionId(), workspace.resourceGroup(),
                workspace.name());
    }

    private void clearMark(ResourceId at) {
        DocumentEdit.apply(store, at, document -> document.with("properties")
                .remove("amliteMoving"));
    }

    private void clearMarkAt(ResourceId at) {
        try {
            clearMark(at);
        } catch (RuntimeException e) {
            LOG.warn("Could not clear the moving mark of {}: {}", at.id(), e.toString());
        }
    }
}
