package dev.amlite.control.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.identity.Caller;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.RefreshingValue;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import static java.util.Objects.requireNonNull;

/**
 * Decides whether a principal may perform an action at a scope: the union of the roles assigned to it at that
 * scope and every scope above it (RM-9). Assignments and custom roles are read into an immutable snapshot that
 * is replaced when this server changes one and at least every {@code refreshInterval} (for changes made by
 * other replicas), so a request costs no database round trip.
 */
public final class Authorizer {
    public static final String ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";
    public static final String ROLE_DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions";

    private final ResourceStore store;
    private final Map<String, RoleDefinition> builtIns;
    private final RefreshingValue<Snapshot> snapshot;

    public Authorizer(ResourceStore store, Clock clock, Duration refreshInterval) {
        this.store = requireNonNull(store, "store is null");
        Map<String, RoleDefinition> roles = new LinkedHashMap<>();
        BuiltInRoles.all().forEach(role -> roles.put(role.name(), role));
        this.builtIns = Map.copyOf(roles);
        this.snapshot = new RefreshingValue<>(this::load, clock, refreshInterval);
    }

    record Assignment(String principalId, String scopeKey, String roleName) {
    }

    record Snapshot(Map<String, List<Assignment>> byPrincipal, Map<String, CompiledRole> roles) {
    }

    /** Throws ARM's AuthorizationFailed naming the caller, the action and the scope when not allowed. */
    public void check(Caller caller, String action, ResourceId scope) {
        if (!allows(caller.objectId(), action, scope)) {
            throw new ArmException(ErrorCode.AuthorizationFailed, "The client '" + caller.signInName()
                    + "' with object id '" + caller.objectId() + "' does not have authorization to perform action '"
                    + action + "' over scope '" + scope.id() + "' or the scope is invalid. If access was recently "
                    + "granted, please refresh your credentials.");
        }
    }

    public boolean allows(String principalId, String action, ResourceId scope) {
        return anyRoleAt(principalId, scope, role -> role.allowsAction(action));
    }

    public boolean allowsDataAction(String principalId, String action, ResourceId scope) {
        return anyRoleAt(principalId, scope, role -> role.allowsDataAction(action));
    }

    /** True when the principal has any role at the scope, above it, or below it: what makes a subscription visible. */
    public boolean hasAnyAccess(String principalId, ResourceId scope) {
        Set<String> chain = new HashSet<>(scope.scopeChainKeys());
        String prefix = scope.key() + "/";
        for (Assignment assignment : current().byPrincipal().getOrDefault(principalId, List.of())) {
            if (chain.contains(assignment.scopeKey()) || assignment.scopeKey().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyRoleAt(String principalId, ResourceId scope, java.util.function.Predicate<CompiledRole> test) {
        Snapshot current = current();
        List<Assignment> assignments = current.byPrincipal().get(principalId);
        if (assignments == null) {
            return false;
        }
        List<String> chain = scope.scopeChainKeys();
        for (Assignment assignment : assignments) {
            if (chain.contains(assignment.scopeKey())) {
                CompiledRole role = current.roles().get(assignment.roleName());
                if (role != null && test.test(role)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Looks a role up by GUID, by full role definition id, or by display name ("Reader"), ignoring case. */
    public Optional<RoleDefinition> role(String nameIdOrRoleName) {
        String wanted = nameIdOrRoleName.substring(nameIdOrRoleName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        for (CompiledRole compiled : current().roles().values()) {
            RoleDefinition role = compiled.definition();
            if (role.name().equalsIgnoreCase(wanted) || role.roleName().equalsIgnoreCase(nameIdOrRoleName)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    public List<RoleDefinition> roles() {
        return current().roles().values().stream().map(CompiledRole::definition).toList();
    }

    /** Called after this server writes an assignment or a custom role, so the change applies to the next request. */
    public void invalidate() {
        snapshot.invalidate();
    }

    private Snapshot current() {
        return snapshot.get();
    }

    private Snapshot load() {
        Map<String, CompiledRole> roles = new LinkedHashMap<>();
        builtIns.forEach((name, role) -> roles.put(name, CompiledRole.of(role)));
        for (StoredResource custom : store.listByType(ROLE_DEFINITION_TYPE)) {
            String name = custom.id().name().toLowerCase(Locale.ROOT);
            roles.put(name, CompiledRole.of(RoleDefinition.fromArm(name, custom.document())));
        }
        Map<String, List<Assignment>> byPrincipal = new HashMap<>();
        for (StoredResource row : store.listByType(ROLE_ASSIGNMENT_TYPE)) {
            JsonNode properties = row.document().path("properties");
            String roleId = properties.path("roleDefinitionId").asText();
            String roleName = roleId.substring(roleId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            byPrincipal.computeIfAbsent(properties.path("principalId").asText(), key -> new ArrayList<>())
                    .add(new Assignment(properties.path("principalId").asText(), row.id().scope().toLowerCase(Locale.ROOT),
                            roleName));
        }
        Map<String, List<Assignment>> frozen = new HashMap<>();
        byPrincipal.forEach((key, value) -> frozen.put(key, List.copyOf(value)));
        return new Snapshot(Map.copyOf(frozen), Map.copyOf(roles));
    }
}
