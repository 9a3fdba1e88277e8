package dev.amlite.control.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.identity.Directory;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Principal;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * {@code {scope}/providers/Microsoft.Authorization/roleAssignments/{guid}} (RM-9). Assignments are checked on
 * write: the scope exists, the role exists and may be assigned there, the principal exists in the directory, and
 * the same principal does not already hold the same role at the same scope. Answers carry principalName and
 * roleDefinitionName besides ARM's properties, as {@code az role assignment list} shows them.
 */
public final class RoleAssignmentHandler implements ResourceTypeHandler {
    private static final Pattern PRINCIPAL_FILTER = Pattern.compile("(?i)principalId\\s+eq\\s+'([^']+)'");
    private static final Pattern ASSIGNED_TO = Pattern.compile("(?i)assignedTo\\('([^']+)'\\)");
    private final ResourceStore store;
    private final Authorizer authorizer;
    private final Directory directory;
    private final Clock clock;

    public RoleAssignmentHandler(ResourceStore store, Authorizer authorizer, Directory directory, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        try {
            UUID.fromString(id.name());
        } catch (IllegalArgumentException e) {
            throw new ArmException(ErrorCode.InvalidParameter, "The role assignment name '" + id.name()
                    + "' is invalid: it must be a GUID.");
        }
        ResourceId scope = id.parent();
        requireScope(scope);
        JsonNode properties = request.bodyObject().path("properties");
        String roleDefinitionId = properties.path("roleDefinitionId").asText(null);
        String principalId = properties.path("principalId").asText(null);
        if (roleDefinitionId == null || principalId == null) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "A role assignment needs properties.roleDefinitionId "
                    + "and properties.principalId.");
        }
        RoleDefinition role = authorizer.role(roleDefinitionId).orElseThrow(() -> new ArmException(
                ErrorCode.RoleDefinitionDoesNotExist, "The specified role definition with ID '"
                + roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1) + "' does not exist."));
        if (!role.builtIn() && role.assignableScopes().stream().noneMatch(assignable ->
                ResourceId.ROOT.id().equals(assignable) || ResourceId.parse(assignable).contains(scope))) {
            throw new ArmException(ErrorCode.InvalidRoleAssignmentScope, "The role '" + role.roleName()
                    + "' cannot be assigned at scope '" + scope.id() + "'; its assignable scopes are "
                    + role.assignableScopes() + ".");
        }
        Principal principal = directory.principal(principalId).orElseThrow(() -> new ArmException(
                ErrorCode.PrincipalNotFound, "Principal " + principalId.replace("-", "") + " does not exist in the "
                + "directory " + request.caller().tenantId() + ". Check the principal id, or create the user or "
                + "service principal first."));
        Optional<StoredResource> existing = store.get(id);
        for (StoredResource other : store.listByTypeAtScopes(Authorizer.ROLE_ASSIGNMENT_TYPE, List.of(scope.key()))) {
            JsonNode otherProperties = other.document().path("properties");
            if (!other.id().key().equals(id.key())
                    && otherProperties.path("principalId").asText().equals(principal.objectId())
                    && lastSegment(otherProperties.path("roleDefinitionId").asText()).equalsIgnoreCase(role.name())) {
                throw new ArmException(ErrorCode.RoleAssignmentExists, "The role assignment already exists: '"
                        + other.id().id() + "'.");
            }
        }
        if (existing.isPresent()) {
            JsonNode current = existing.get().document().path("properties");
            if (current.path("principalId").asText().equals(principal.objectId())
                    && lastSegment(current.path("roleDefinitionId").asText()).equalsIgnoreCase(role.name())) {
                return ArmResponse.ok(present(existing.get()));
            }
            throw new ArmException(ErrorCode.Conflict, "The role assignment '" + id.name() + "' exists with another "
                    + "role or principal; role assignments cannot be changed. Delete it and create a new one.");
        }
        ObjectNode document = Json.object();
        ObjectNode stored = document.putObject("properties");
        stored.put("roleDefinitionId", roleDefinitionIdAt(scope, role));
        stored.put("principalId", principal.objectId());
        stored.put("principalType", principal.kind().name());
        stored.put("scope", scope.id());
        stored.put("createdOn", clock.instant().toString());
        stored.put("updatedOn", clock.instant().toString());
        stored.put("createdBy", request.caller().objectId());
        stored.put("updatedBy", request.caller().objectId());
        if (properties.hasNonNull("description")) {
            stored.put("description", properties.path("description").asText());
        }
        StoredResource created = store.insert(id, null, document);
        authorizer.invalidate();
        return ArmResponse.created(present(created));
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        StoredResource row = store.get(request.resource()).orElseThrow(() -> new ArmException(
                ErrorCode.RoleAssignmentNotFound, "The role assignment '" + request.resource().name()
                + "' is not found."));
        return ArmResponse.ok(present(row)).withHeader("ETag", row.etag());
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        Optional<StoredResource> existing = store.get(request.resource());
        if (existing.isEmpty()) {
            return ArmResponse.noContent();
        }
        store.delete(request.resource());
        authorizer.invalidate();
        return ArmResponse.ok(present(existing.get()));
    }

    /**
     * Without a filter: assignments at, above and below the scope. {@code atScope()}: at and above.
     * {@code principalId eq '…'} and {@code assignedTo('…')} narrow to one principal.
     */
    @Override
    public ArmResponse list(ArmRequest request) {
        ResourceId scope = request.resource();
        String filter = request.queryParameter("$filter");
        boolean atScope = filter != null && filter.toLowerCase(Locale.ROOT).contains("atscope()");
        String principal = null;
        if (filter != null) {
            Matcher matcher = PRINCIPAL_FILTER.matcher(filter);
            Matcher assigned = ASSIGNED_TO.matcher(filter);
            if (matcher.find()) {
                principal = matcher.group(1);
            } else if (assigned.find()) {
                principal = assigned.group(1);
            } else if (!atScope) {
                throw new ArmException(ErrorCode.InvalidParameter, "The $filter '" + filter + "' is not supported. "
                        + "Use atScope(), principalId eq '<id>' or assignedTo('<id>').");
            }
        }
        List<String> chain = scope.scopeChainKeys();
        String below = scope.isRoot() ? "/" : scope.key() + "/";
        List<ObjectNode> result = new ArrayList<>();
        for (StoredResource row : store.listByType(Authorizer.ROLE_ASSIGNMENT_TYPE)) {
            String rowScope = row.id().scope().toLowerCase(Locale.ROOT);
            boolean inRange = chain.contains(rowScope) || (!atScope && rowScope.startsWith(below));
            if (!inRange) {
                continue;
            }
            if (principal != null && !principal.equalsIgnoreCase(row.document().path("properties").path("principalId").asText())) {
                continue;
            }
            result.add(present(row));
        }
        return ArmResponse.list(result);
    }

    private void requireScope(ResourceId scope) {
        if (!scope.isRoot() && !store.exists(scope)) {
            throw ArmException.notFound(scope);
        }
    }

    private static String roleDefinitionIdAt(ResourceId scope, RoleDefinition role) {
        String prefix = scope.subscriptionId() == null ? "" : "/subscriptions/" + scope.subscriptionId();
        return prefix + "/providers/Microsoft.Authorization/roleDefinitions/" + role.name();
    }

    private ObjectNode present(StoredResource row) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        ObjectNode properties = (ObjectNode) document.path("properties");
        directory.principal(properties.path("principalId").asText()).ifPresent(principal ->
                properties.put("principalName", principal.signInName()));
        authorizer.role(properties.path("roleDefinitionId").asText()).ifPresent(role ->
                properties.put("roleDefinitionName", role.roleName()));
        return document;
    }

    private static String lastSegment(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }
}
