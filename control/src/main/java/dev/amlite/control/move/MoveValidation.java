package dev.amlite.control.move;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.policy.PolicyEngine;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.resources.ProviderRegistrations;
import dev.amlite.core.ArmError;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of a move of resources between groups or subscriptions (RM-7, MV-2, MV-3), all of them at once: each
 * problem is one detail with its own code. For a workspace: same region and tenant, no customer-managed key, no
 * Databricks link, an existing target group, the target subscription's providers registered, the caller's delete
 * right on the source and write right on the target, the target's policies, and a quiet workspace (no computes,
 * online endpoints or unfinished jobs). Also lists what a move would leave behind (MV-4).
 */
public final class MoveValidation {
    static final String ML = "microsoft.machinelearningservices/workspaces";
    /** Providers a workspace needs in the target subscription (seed 000's table, the ones amlite knows). */
    static final List<String> REQUIRED_PROVIDERS = List.of("Microsoft.MachineLearningServices", "Microsoft.Storage",
            "Microsoft.ContainerRegistry", "Microsoft.KeyVault");
    /** Child types that do not move with a workspace (MV-4): data assets and role assignments on it. */
    static final Set<String> STAYING = Set.of(ML + "/data", ML + "/data/versions");
    static final String ROLE_ASSIGNMENTS = "microsoft.authorization/roleassignments";
    /** Private endpoint connections of a workspace: disconnected by a move, asked for again at the target (MV-6). */
    static final String PE_CONNECTIONS = ML + "/privateendpointconnections";

    private final ResourceStore store;
    private final Catalog catalog;
    private final ProviderRegistrations registrations;
    private final Authorizer authorizer;
    private final PolicyEngine policy;

    public MoveValidation(ResourceStore store, Catalog catalog, ProviderRegistrations registrations,
                          Authorizer authorizer, PolicyEngine policy) {
        this.store = store;
        this.catalog = catalog;
        this.registrations = registrations;
        this.authorizer = authorizer;
        this.policy = policy;
    }

    /** A move as ARM's request body gives it: the resources (in the source group) and the target group. */
    public record MoveRequest(ResourceId sourceGroup, List<ResourceId> resources, ResourceId targetGroup) {
        public static MoveRequest parse(ResourceId sourceGroup, JsonNode body) {
            if (body == null || !body.path("resources").isArray() || body.path("resources").isEmpty()) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "The request needs 'resources', a non-empty "
                        + "list of resource ids in '" + sourceGroup.id() + "', and 'targetResourceGroup'.");
            }
            List<ResourceId> resources = new ArrayList<>();
            for (JsonNode id : body.path("resources")) {
                resources.add(parseId(id.asText(), "resources"));
            }
            String target = body.path("targetResourceGroup").asText("");
            if (target.isEmpty()) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "The request needs 'targetResourceGroup', "
                        + "e.g. /subscriptions/<id>/resourceGroups/<name>.");
            }
            ResourceId targetGroup = parseId(target, "targetResourceGroup");
            if (!targetGroup.isResourceGroup()) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "targetResourceGroup '" + target + "' is not a "
                        + "resource group id (/subscriptions/<id>/resourceGroups/<name>).");
            }
            return new MoveRequest(sourceGroup, List.copyOf(resources), targetGroup);
        }

        private static ResourceId parseId(String text, String field) {
            try {
                return ResourceId.parse(text);
            } catch (RuntimeException e) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "'" + text + "' in '" + field + "' is not a "
                        + "resource id.");
            }
        }

        /** Where a resource lands. */
        public ResourceId targetOf(ResourceId resource) {
            return ResourceId.parse(targetGroup.id() + resource.id().substring(sourceGroup.id().length()));
        }
    }

    /** Problems (empty: the move may go ahead) and what would stay behind. */
    public record Outcome(List<ArmError> problems, List<String> leftBehind) {
        public ArmException failure(MoveRequest request) {
            return new ArmException(ErrorCode.ResourceMoveValidationFailed, "The move of " + request.resources().size()
                    + " resource(s) from '" + request.sourceGroup().name() + "' to '" + request.targetGroup().id()
                    + "' cannot be done: " + problems.size() + " problem(s), each in details.", null, problems);
        }

        public ObjectNode json() {
            ObjectNode node = Json.object();
            ArrayNode list = node.putArray("problems");
            problems.forEach(p -> list.add(Json.MAPPER.valueToTree(p)));
            ArrayNode behind = node.putArray("leftBehind");
            leftBehind.forEach(behind::add);
            return node;
        }
    }

    public Outcome validate(String callerObjectId, MoveRequest request) {
        List<ArmError> problems = new ArrayList<>();
        List<String> leftBehind = new ArrayList<>();
        ResourceId source = request.sourceGroup();
        StoredResource sourceGroup = store.get(source).orElseThrow(() -> ArmException.notFound(source));
        StoredResource targetGroup = store.get(request.targetGroup()).orElse(null);
        if (targetGroup == null) {
            problems.add(problem("TargetResourceGroupNotFound", "The target resource group '"
                    + request.targetGroup().id() + "' does not exist; create it first ('amlite group create -g "
                    + request.targetGroup().name() + " -l <region> --subscription "
                    + request.targetGroup().subscriptionId() + "').", request.targetGroup().id()));
        } else if (targetGroup.id().key().equals(sourceGroup.id().key())) {
            problems.add(problem("InvalidTargetResourceGroup", "The target resource group is the source group; "
                    + "a move needs another group or subscription.", request.targetGroup().id()));
        }
        String sourceTenant = tenantOf(source.subscriptionId());
        String targetTenant = tenantOf(request.targetGroup().subscriptionId());
        if (targetTenant == null) {
            problems.add(problem("SubscriptionNotFound", "The target subscription '"
                    + request.targetGroup().subscriptionId() + "' does not exist.", request.targetGroup().id()));
        } else if (!targetTenant.equalsIgnoreCase(sourceTenant)) {
            problems.add(problem("CrossTenantMoveNotSupported", "The target subscription is in tenant '" + targetTenant
                    + "', the source in '" + sourceTenant + "'; a workspace moves within its tenant only.",
                    request.targetGroup().id()));
        }
        if (targetTenant != null) {
            List<String> missing = REQUIRED_PROVIDERS.stream()
                    .filter(ns -> !registrations.isRegistered(request.targetGroup().subscriptionId(), ns)).toList();
            if (!missing.isEmpty()) {
                problems.add(problem("MissingRegistrationForResourceProvider", "The target subscription has not "
                        + "registered " + missing + ", which a workspace needs; register them with 'amlite provider "
                        + "register --namespace <name> --subscription " + request.targetGroup().subscriptionId() + "'.",
                        request.targetGroup().id()));
            }
        }
        if (targetGroup != null && !authorizer.allows(callerObjectId, "Microsoft.Resources/subscriptions/resourceGroups/write",
                request.targetGroup())) {
            problems.add(problem("AuthorizationFailed", "The client '" + callerObjectId + "' may not write in the "
                    + "target resource group '" + request.targetGroup().id() + "'.", request.targetGroup().id()));
        }
        for (ResourceId resource : request.resources()) {
            checkResource(callerObjectId, request, resource, targetGroup, problems, leftBehind);
        }
        return new Outcome(List.copyOf(problems), List.copyOf(leftBehind));
    }

    private void checkResource(String caller, MoveRequest request, ResourceId resource, StoredResource targetGroup,
                               List<ArmError> problems, List<String> leftBehind) {
        if (resource.parent() == null || !resource.parent().key().equals(request.sourceGroup().key())) {
            problems.add(problem("InvalidMoveResource", "'" + resource.id() + "' is not a top-level resource of the "
                    + "source group '" + request.sourceGroup().name() + "'; list the resources of the group itself "
                    + "(what is below them moves with them).", resource.id()));
            return;
        }
        StoredResource row = store.get(resource).orElse(null);
        if (row == null) {
            problems.add(problem("ResourceNotFound", "The resource '" + resource.id() + "' does not exist.",
                    resource.id()));
            return;
        }
        String type = row.id().type();
        if (!authorizer.allows(caller, type + "/delete", resource)) {
            problems.add(problem("AuthorizationFailed", "The client '" + caller + "' may not delete '" + resource.id()
                    + "' (" + type + "/delete), which a move needs at the source.", resource.id()));
        }
        if (targetGroup != null && !authorizer.allows(caller, type + "/write", request.targetGroup())) {
            problems.add(problem("AuthorizationFailed", "The client '" + caller + "' may not create " + type
                    + " in '" + request.targetGroup().id() + "' (" + type + "/write), which a move needs at the "
                    + "target.", resource.id()));
        }
        if (targetGroup != null) {
            if (row.location() != null && targetGroup.location() != null
                    && !row.location().equalsIgnoreCase(targetGroup.location())) {
                problems.add(problem("CrossRegionMoveNotSupported", "'" + resource.name() + "' is in '"
                        + row.location() + "' and the target group in '" + targetGroup.location() + "'; a move "
                        + "stays within its region (seed 000).", resource.id()));
            }
            ResourceId landing = request.targetOf(resource);
            if (store.get(landing).isPresent() || store.getSoftDeleted(landing).isPresent()) {
                problems.add(problem("ResourceExistsAtTarget", "The target group already has '" + landing.name()
                        + "' of type " + type + ".", landing.id()));
            }
            try {
                policy.enforce(new PolicyEngine.Candidate(landing, type, row.location(), row.document().get("tags")));
            } catch (ArmException e) {
                problems.add(problem("RequestDisallowedByPolicy", "At the target: " + e.getMessage(), landing.id()));
            }
        }
        if (row.id().typeKey().equals(ML)) {
            checkWorkspace(row, problems, leftBehind);
        }
    }

    private void checkWorkspace(StoredResource workspace, List<ArmError> problems, List<String> leftBehind) {
        JsonNode properties = workspace.document().path("properties");
        String id = workspace.id().id();
        if ("Enabled".equalsIgnoreCase(properties.path("encryption").path("status").asText())) {
            problems.add(problem("CustomerManagedKeyWorkspaceCannotMove", "Workspace '" + workspace.id().name()
                    + "' encrypts with a customer-managed key; such workspaces cannot move (seed 000).", id));
        }
        if (!properties.path("adbWorkspace").asText("").isEmpty()) {
            problems.add(problem("DatabricksLinkedWorkspaceCannotMove", "Workspace '" + workspace.id().name()
                    + "' is linked to Azure Databricks workspace '" + properties.path("adbWorkspace").asText()
                    + "'; linked workspaces cannot move (seed 000).", id));
        }
        problems.addAll(quietProblems(workspace));
        for (StoredResource data : store.listChildren(workspace.id(), ML + "/data")) {
            leftBehind.add("data asset '" + data.id().name() + "' (data assets do not move; register it again in "
                    + "the moved workspace with 'amlite ml data create')");
        }
        for (StoredResource connection : store.listChildren(workspace.id(), PE_CONNECTIONS)) {
            leftBehind.add("private endpoint connection '" + connection.id().name() + "' (disconnected by the move; "
                    + "the private endpoint asks again and the new connection waits for approval: 'amlite network "
                    + "private-endpoint-connection approve')");
        }
        for (StoredResource assignment : store.listChildren(workspace.id(), ROLE_ASSIGNMENTS)) {
            leftBehind.add("role assignment '" + assignment.id().name() + "' on the workspace (recreate it at the "
                    + "target)");
        }
    }

    /** MV-3: what keeps a workspace from moving now (computes, online endpoints, unfinished jobs). */
    List<ArmError> quietProblems(StoredResource workspace) {
        List<ArmError> problems = new ArrayList<>();
        String id = workspace.id().id();
        List<String> computes = names(workspace.id(), ML + "/computes");
        if (!computes.isEmpty()) {
            problems.add(problem("WorkspaceHasComputes", "Workspace '" + workspace.id().name() + "' has computes "
                    + computes + "; delete them first ('amlite ml compute delete -n <name>') and recreate them after "
                    + "the move.", id));
        }
        List<String> endpoints = names(workspace.id(), ML + "/onlineendpoints");
        if (!endpoints.isEmpty()) {
            problems.add(problem("WorkspaceHasOnlineEndpoints", "Workspace '" + workspace.id().name() + "' has online "
                    + "endpoints " + endpoints + "; delete them first and redeploy after the move.", id));
        }
        List<String> jobs = new ArrayList<>();
        for (StoredResource job : store.listChildren(workspace.id(), ML + "/jobs")) {
            String status = job.document().path("properties").path("status").asText();
            if (!List.of("Completed", "Failed", "Canceled").contains(status)) {
                jobs.add(job.id().name() + " (" + status + ")");
            }
        }
        if (!jobs.isEmpty()) {
            problems.add(problem("WorkspaceHasActiveJobs", "Workspace '" + workspace.id().name() + "' has jobs that "
                    + "have not ended: " + jobs + "; wait for them or cancel them ('amlite ml job cancel -n <name>').",
                    id));
        }
        return problems;
    }

    private List<String> names(ResourceId workspace, String typeKey) {
        return store.listChildren(workspace, typeKey).stream().map(r -> r.id().name()).sorted().toList();
    }

    private String tenantOf(String subscriptionId) {
        return store.get(ResourceId.subscription(subscriptionId))
                .map(s -> s.document().path("tenantId").asText(null)).orElse(null);
    }

    private static ArmError problem(String code, String message, String target) {
        return new ArmError(code, message, target, null);
    }
}
