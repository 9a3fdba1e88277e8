package dev.amlite.control.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import static java.util.Objects.requireNonNull;

/**
 * A role: what it allows ({@code actions}, {@code dataActions}) minus what it excludes ({@code notActions},
 * {@code notDataActions}), and where it may be assigned. {@code name} is the GUID, {@code roleName} the display
 * name ("Reader").
 */
public record RoleDefinition(String name, String roleName, String description, boolean builtIn, List<String> actions,
                             List<String> notActions, List<String> dataActions, List<String> notDataActions,
                             List<String> assignableScopes) {
    public RoleDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(roleName, "roleName is null");
        actions = List.copyOf(actions);
        notActions = List.copyOf(notActions);
        dataActions = List.copyOf(dataActions);
        notDataActions = List.copyOf(notDataActions);
        assignableScopes = List.copyOf(assignableScopes);
    }

    public boolean allowsAction(String action) {
        String lower = action.toLowerCase(Locale.ROOT);
        return anyMatch(actions, lower) && !anyMatch(notActions, lower);
    }

    public boolean allowsDataAction(String action) {
        String lower = action.toLowerCase(Locale.ROOT);
        return anyMatch(dataActions, lower) && !anyMatch(notDataActions, lower);
    }

    private static boolean anyMatch(List<String> patterns, String action) {
        for (String pattern : patterns) {
            if (ActionPattern.of(pattern).matches(action)) {
                return true;
            }
        }
        return false;
    }

    /** The ARM document of this definition as seen from {@code scopeId} ("/subscriptions/…" or "/"). */
    public ObjectNode toArm(String scopeId) {
        String prefix = "/".equals(scopeId) ? "" : scopeId;
        ObjectNode node = Json.object();
        node.put("id", prefix + "/providers/Microsoft.Authorization/roleDefinitions/" + name);
        node.put("name", name);
        node.put("type", "Microsoft.Authorization/roleDefinitions");
        ObjectNode properties = node.putObject("properties");
        properties.put("roleName", roleName);
        properties.put("type", builtIn ? "BuiltInRole" : "CustomRole");
        properties.put("description", description);
        ArrayNode permissions = properties.putArray("permissions");
        ObjectNode permission = permissions.addObject();
        permission.set("actions", Json.MAPPER.valueToTree(actions));
        permission.set("notActions", Json.MAPPER.valueToTree(notActions));
        permission.set("dataActions", Json.MAPPER.valueToTree(dataActions));
        permission.set("notDataActions", Json.MAPPER.valueToTree(notDataActions));
        properties.set("assignableScopes", Json.MAPPER.valueToTree(assignableScopes));
        return node;
    }

    /** Reads a custom role from an ARM document (the body of a PUT, or a stored row). */
    public static RoleDefinition fromArm(String name, JsonNode document) {
        JsonNode properties = document.path("properties");
        JsonNode permission = properties.path("permissions").path(0);
        return new RoleDefinition(name, properties.path("roleName").asText(), properties.path("description").asText(""),
                false, strings(permission.path("actions")), strings(permission.path("notActions")),
                strings(permission.path("dataActions")), strings(permission.path("notDataActions")),
                strings(properties.path("assignableScopes")));
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(item -> values.add(item.asText()));
        return values;
    }
}
