package dev.amlite.control.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * {@code {scope}/providers/Microsoft.Authorization/roleDefinitions[/{guid}]}: the built-in roles and custom roles
 * (RM-9), listed with {@code $filter=roleName eq '…'} or {@code type eq 'CustomRole'}.
 */
public final class RoleDefinitionHandler implements ResourceTypeHandler {
    private static final Pattern ROLE_NAME = Pattern.compile("(?i)roleName\\s+eq\\s+'([^']+)'");
    private final ResourceStore store;
    private final Authorizer authorizer;

    public RoleDefinitionHandler(ResourceStore store, Authorizer authorizer) {
        this.store = requireNonNull(store, "store is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    @Override
    public ArmResponse list(ArmRequest request) {
        String filter = request.queryParameter("$filter");
        String roleName = null;
        boolean customOnly = false;
        if (filter != null) {
            Matcher matcher = ROLE_NAME.matcher(filter);
            if (matcher.find()) {
                roleName = matcher.group(1);
            } else if (filter.toLowerCase(Locale.ROOT).replace(" ", "").contains("type eq 'customrole'".replace(" ", ""))) {
                customOnly = true;
            } else {
                throw new ArmException(ErrorCode.InvalidParameter, "The $filter '" + filter + "' is not supported. "
                        + "Use roleName eq '<name>' or type eq 'CustomRole'.");
            }
        }
        String wanted = roleName;
        boolean custom = customOnly;
        List<ObjectNode> roles = authorizer.roles().stream()
                .filter(role -> wanted == null || role.roleName().equalsIgnoreCase(wanted))
                .filter(role -> !custom || !role.builtIn())
                .sorted((a, b) -> a.roleName().compareToIgnoreCase(b.roleName()))
                .map(role -> role.toArm(request.resource().isSubscription() ? request.resource().id() : "/"))
                .toList();
        return ArmResponse.list(roles);
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        RoleDefinition role = authorizer.role(request.resource().name()).orElseThrow(() -> new ArmException(
                ErrorCode.RoleDefinitionDoesNotExist, "The role definition '" + request.resource().name()
                + "' does not exist."));
        ResourceId scope = request.resource().parent();
        return ArmResponse.ok(role.toArm(scope.isSubscription() ? scope.id() : "/"));
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        String name = id.name().toLowerCase(Locale.ROOT);
        try {
            UUID.fromString(name);
        } catch (IllegalArgumentException e) {
            throw new ArmException(ErrorCode.InvalidParameter, "A role definition name must be a GUID, not '" + id.name() + "'.");
        }
        if (authorizer.role(name).filter(RoleDefinition::builtIn).isPresent()) {
            throw new ArmException(ErrorCode.Conflict, "Built-in roles cannot be changed.");
        }
        JsonNode properties = request.bodyObject().path("properties");
        String roleName = properties.path("roleName").asText("");
        if (roleName.isBlank()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "A custom role needs properties.roleName.");
        }
        authorizer.roles().stream().filter(role -> role.roleName().equalsIgnoreCase(roleName)
                && !role.name().equalsIgnoreCase(name)).findFirst().ifPresent(clash -> {
                    throw new ArmException(ErrorCode.Conflict, "A role named '" + roleName + "' already exists ("
                            + clash.name() + ").");
                });
        RoleDefinition role = RoleDefinition.fromArm(name, request.bodyObject());
        if (role.actions().isEmpty() && role.dataActions().isEmpty()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "A custom role needs at least one action or data "
                    + "action in properties.permissions[0].");
        }
        List<String> scopes = role.assignableScopes().isEmpty() ? List.of(scopeOf(id).id()) : role.assignableScopes();
        for (String scope : scopes) {
            if (!"/".equals(scope)) {
                ResourceId.parse(scope);
            }
        }
        RoleDefinition stored = new RoleDefinition(name, role.roleName(), role.description(), false, role.actions(),
                role.notActions(), role.dataActions(), role.notDataActions(), scopes);
        ObjectNode document = stored.toArm(scopeOf(id).id());
        var existing = store.get(id);
        StoredResource written = existing.isPresent()
                ? store.replace(existing.get(), null, document)
                : store.insert(id, null, document);
        authorizer.invalidate();
        return existing.isPresent() ? ArmResponse.ok(clean(written)) : ArmResponse.created(clean(written));
    }

    @Override
    public ArmResponse delete(ArmRequest request) {
        var existing = store.get(request.resource());
        if (existing.isEmpty()) {
            return ArmResponse.noContent();
        }
        store.delete(request.resource());
        authorizer.invalidate();
        return ArmResponse.ok(clean(existing.get()));
    }

    private static ResourceId scopeOf(ResourceId id) {
        return id.parent();
    }

    private static ObjectNode clean(StoredResource row) {
        ObjectNode document = row.documentCopy();
        document.remove("etag");
        return document;
    }

    static ObjectNode empty() {
        return Json.object();
    }
}
