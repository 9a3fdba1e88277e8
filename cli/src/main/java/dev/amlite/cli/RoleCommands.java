package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AmliteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amlite role definition|assignment …}: RBAC (RM-9). */
@Command(name = "role", description = "Manage roles and role assignments.",
        subcommands = {RoleCommands.Definition.class, RoleCommands.Assignment.class})
final class RoleCommands {

    static JsonNode assign(Session session, String scope, String roleDefinitionId, String principalId, String type) {
        ObjectNode body = Json.object();
        ObjectNode properties = body.putObject("properties");
        properties.put("roleDefinitionId", roleDefinitionId);
        properties.put("principalId", principalId);
        properties.put("principalType", type);
        return session.send("PUT", scope.replaceAll("/+$", "") + "/providers/Microsoft.Authorization/roleAssignments/"
                + UUID.randomUUID(), Session.AUTHORIZATION_API, body);
    }

    /** az's flattened view of an assignment, which its table and scripts read. */
    static ObjectNode flatten(JsonNode assignment) {
        ObjectNode flat = Json.object();
        JsonNode properties = assignment.path("properties");
        flat.put("id", assignment.path("id").asText());
        flat.put("name", assignment.path("name").asText());
        flat.put("principalId", properties.path("principalId").asText());
        flat.put("principalName", properties.path("principalName").asText());
        flat.put("principalType", properties.path("principalType").asText());
        flat.put("roleDefinitionId", properties.path("roleDefinitionId").asText());
        flat.put("roleDefinitionName", properties.path("roleDefinitionName").asText());
        flat.put("scope", properties.path("scope").asText());
        flat.put("type", assignment.path("type").asText());
        return flat;
    }

    @Command(name = "definition", description = "Manage role definitions.",
            subcommands = {Definition.ListCommand.class, Definition.Create.class, Definition.Delete.class})
    static final class Definition {
        @Command(name = "list", description = "List role definitions.")
        static final class ListCommand extends Leaf {
            @Option(names = {"-n", "--name"}, description = "Only the role with this name.")
            String name;

            @Option(names = "--custom-role-only", description = "Only custom roles.")
            boolean customOnly;

            @Option(names = "--scope", description = "Scope to list at (default: the subscription).")
            String scope;

            @Override
            JsonNode run(Session session) {
                Map<String, String> query = name != null ? Map.of("$filter", "roleName eq '" + name + "'")
                        : customOnly ? Map.of("$filter", "type eq 'CustomRole'") : Map.of();
                JsonNode value = session.send("GET", ScopeOptions.resolve(session, scope, null)
                        + "/providers/Microsoft.Authorization/roleDefinitions", Session.AUTHORIZATION_API, query, null)
                        .path("value");
                ArrayNode flat = Json.MAPPER.createArrayNode();
                for (JsonNode role : value) {
                    ObjectNode entry = ((ObjectNode) role.path("properties")).deepCopy();
                    entry.put("id", role.path("id").asText());
                    entry.put("name", role.path("name").asText());
                    entry.put("roleType", role.path("properties").path("type").asText());
                    flat.add(entry);
                }
                return flat;
            }

            @Override
            List<Column> columns() {
                return List.of(Column.of("Name", "roleName"), Column.of("Type", "roleType"),
                        Column.of("Description", "description"));
            }
        }

        @Command(name = "create", description = "Create a custom role from JSON (az's format) or @file.")
        static final class Create extends Leaf {
            @Option(names = "--role-definition", required = true, description = "JSON or @file: Name, Description, "
                    + "Actions, NotActions, DataActions, NotDataActions, AssignableScopes.")
            String definition;

            @Override
            JsonNode run(Session session) {
                JsonNode given = jsonArgument(definition, "--role-definition");
                String roleName = text(given, "Name", "roleName");
                if (roleName == null) {
                    throw new CliError("--role-definition needs a \"Name\".");
                }
                ObjectNode body = Json.object();
                ObjectNode properties = body.putObject("properties");
                properties.put("roleName", roleName);
                properties.put("description", text(given, "Description", "description"));
                properties.put("type", "CustomRole");
                ObjectNode permission = properties.putArray("permissions").addObject();
                permission.set("actions", array(given, "Actions", "actions"));
                permission.set("notActions", array(given, "NotActions", "notActions"));
                permission.set("dataActions", array(given, "DataActions", "dataActions"));
                permission.set("notDataActions", array(given, "NotDataActions", "notDataActions"));
                JsonNode scopes = array(given, "AssignableScopes", "assignableScopes");
                properties.set("assignableScopes", scopes);
                String scope = scopes.isEmpty() ? "/subscriptions/" + session.subscriptionId() : scopes.get(0).asText();
                return session.send("PUT", scope + "/providers/Microsoft.Authorization/roleDefinitions/" + UUID.randomUUID(),
                        Session.AUTHORIZATION_API, body);
            }
        }

        @Command(name = "delete", description = "Delete a custom role.")
        static final class Delete extends Leaf {
            @Option(names = {"-n", "--name"}, required = true, description = "Role name or id.")
            String name;

            @Option(names = "--scope", description = "Scope of the role (default: the subscription).")
            String scope;

            @Override
            JsonNode run(Session session) {
                String id = Directory.roleDefinitionId(session, scope, name);
                String guid = id.substring(id.lastIndexOf('/') + 1);
                session.send("DELETE", ScopeOptions.resolve(session, scope, null)
                        + "/providers/Microsoft.Authorization/roleDefinitions/" + guid, Session.AUTHORIZATION_API, null);
                return null;
            }
        }
    }

    @Command(name = "assignment", description = "Manage role assignments.",
            subcommands = {Assignment.Create.class, Assignment.ListCommand.class, Assignment.Delete.class})
    static final class Assignment {
        static final List<Column> COLUMNS = List.of(Column.of("Principal", "principalName"),
                Column.of("Role", "roleDefinitionName"), Column.of("Scope", "scope"));

        @Command(name = "create", description = "Assign a role to a user or service principal at a scope.")
        static final class Create extends Leaf {
            @Option(names = "--assignee", description = "User principal name, app id or object id.")
            String assignee;

            @Option(names = "--assignee-object-id", description = "Object id, used without a directory lookup.")
            String assigneeObjectId;

            @Option(names = "--assignee-principal-type", description = "User or ServicePrincipal, with --assignee-object-id.")
            String assigneePrincipalType;

            @Option(names = "--role", required = true, description = "Role name or id.")
            String role;

            @Mixin
            ScopeOptions at;

            @Override
            JsonNode run(Session session) {
                if ((assignee == null) == (assigneeObjectId == null)) {
                    throw new CliError("usage error: give exactly one of --assignee and --assignee-object-id.");
                }
                Directory.Found principal = assignee != null ? Directory.principal(session, assignee)
                        : new Directory.Found(assigneeObjectId, assigneePrincipalType == null ? "User" : assigneePrincipalType);
                String target = at.resolve(session);
                return flatten(assign(session, target, Directory.roleDefinitionId(session, target, role),
                        principal.objectId(), principal.type()));
            }
        }

        @Command(name = "list", description = "List role assignments at a scope.")
        static final class ListCommand extends Leaf {
            @Mixin
            ScopeOptions at;

            @Option(names = "--assignee", description = "Only assignments of this principal.")
            String assignee;

            @Option(names = "--role", description = "Only assignments of this role (name).")
            String role;

            @Option(names = "--all", description = "Assignments at, above and below the scope.")
            boolean all;

            @Option(names = "--include-inherited", description = "Also assignments inherited from above the scope.")
            boolean includeInherited;

            @Override
            JsonNode run(Session session) {
                String target = at.resolve(session);
                Map<String, String> query = Map.of();
                if (assignee != null) {
                    query = Map.of("$filter", "principalId eq '" + Directory.principal(session, assignee).objectId() + "'");
                }
                JsonNode value = session.send("GET", target.replaceAll("/+$", "")
                        + "/providers/Microsoft.Authorization/roleAssignments", Session.AUTHORIZATION_API, query, null)
                        .path("value");
                ArrayNode result = Json.MAPPER.createArrayNode();
                for (JsonNode assignment : value) {
                    ObjectNode flat = flatten(assignment);
                    String assignedAt = flat.path("scope").asText();
                    boolean exact = assignedAt.equalsIgnoreCase(target.replaceAll("/+$", ""));
                    boolean above = target.toLowerCase().startsWith(assignedAt.toLowerCase() + "/") || assignedAt.equals("/");
                    if (!all && !exact && !(includeInherited && above)) {
                        continue;
                    }
                    if (role != null && !role.equalsIgnoreCase(flat.path("roleDefinitionName").asText())) {
                        continue;
                    }
                    result.add(flat);
                }
                return result;
            }

            @Override
            List<Column> columns() {
                return COLUMNS;
            }
        }

        @Command(name = "delete", description = "Delete role assignments by id, or by assignee, role and scope.")
        static final class Delete extends Leaf {
            @Option(names = "--ids", arity = "1..*", description = "Role assignment ids.")
            List<String> ids;

            @Option(names = "--assignee", description = "Principal whose assignments to delete.")
            String assignee;

            @Option(names = "--role", description = "Only this role.")
            String role;

            @Option(names = "--scope", description = "Scope (default: the subscription).")
            String scope;

            @Override
            JsonNode run(Session session) {
                if (ids != null) {
                    for (String id : ids) {
                        session.send("DELETE", id, Session.AUTHORIZATION_API, null);
                    }
                    return null;
                }
                if (assignee == null) {
                    throw new CliError("usage error: give --ids, or --assignee with optional --role and --scope.");
                }
                String target = ScopeOptions.resolve(session, scope, null).replaceAll("/+$", "");
                String principalId = Directory.principal(session, assignee).objectId();
                JsonNode value = session.send("GET", target + "/providers/Microsoft.Authorization/roleAssignments",
                        Session.AUTHORIZATION_API, Map.of("$filter", "principalId eq '" + principalId + "'"), null).path("value");
                int deleted = 0;
                for (JsonNode assignment : value) {
                    ObjectNode flat = flatten(assignment);
                    if (flat.path("scope").asText().equalsIgnoreCase(target)
                            && (role == null || role.equalsIgnoreCase(flat.path("roleDefinitionName").asText()))) {
                        session.send("DELETE", flat.path("id").asText(), Session.AUTHORIZATION_API, null);
                        deleted++;
                    }
                }
                if (deleted == 0) {
                    session.warn("No matched assignments were found to delete.");
                }
                return null;
            }
        }
    }

    /** A JSON argument given inline or as @file, as az accepts. */
    static JsonNode jsonArgument(String value, String option) {
        String text = value;
        if (value.startsWith("@")) {
            try {
                text = Files.readString(Path.of(value.substring(1)));
            } catch (IOException e) {
                throw new CliError(option + ": cannot read " + value.substring(1) + ": " + e.getMessage());
            }
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new CliError(option + " is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
    }

    private static String text(JsonNode node, String name, String alternative) {
        JsonNode value = node.has(name) ? node.get(name) : node.get(alternative);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static JsonNode array(JsonNode node, String name, String alternative) {
        JsonNode value = node.has(name) ? node.get(name) : node.get(alternative);
        return value == null || !value.isArray() ? Json.MAPPER.createArrayNode() : value;
    }

    static boolean missing(AmliteException e) {
        return e.status() == 404;
    }
}
