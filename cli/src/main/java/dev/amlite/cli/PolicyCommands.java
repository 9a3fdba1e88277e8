package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amlite policy definition|assignment …}: built-in policies and their assignments (RM-10). */
@Command(name = "policy", description = "Manage policy definitions and assignments.",
        subcommands = {PolicyCommands.Definition.class, PolicyCommands.Assignment.class})
final class PolicyCommands {

    @Command(name = "definition", description = "Built-in policy definitions.",
            subcommands = {Definition.ListCommand.class, Definition.Show.class})
    static final class Definition {
        @Command(name = "list", description = "List policy definitions.")
        static final class ListCommand extends Leaf {
            @Override
            JsonNode run(Session session) {
                return session.send("GET", "/subscriptions/" + session.subscriptionId()
                        + "/providers/Microsoft.Authorization/policyDefinitions", Session.POLICY_API, null).path("value");
            }

            @Override
            List<Column> columns() {
                return List.of(Column.of("Name", "name"), Column.of("DisplayName", "properties.displayName"),
                        Column.of("Mode", "properties.mode"));
            }
        }

        @Command(name = "show", description = "Show a policy definition by name, id or display name.")
        static final class Show extends Leaf {
            @Option(names = {"-n", "--name"}, required = true, description = "Name, id or display name.")
            String name;

            @Override
            JsonNode run(Session session) {
                return session.send("GET", "/subscriptions/" + session.subscriptionId()
                        + "/providers/Microsoft.Authorization/policyDefinitions/" + name, Session.POLICY_API, null);
            }
        }
    }

    @Command(name = "assignment", description = "Manage policy assignments.",
            subcommands = {Assignment.Create.class, Assignment.ListCommand.class, Assignment.Show.class,
                    Assignment.Delete.class})
    static final class Assignment {
        static final List<Column> COLUMNS = List.of(Column.of("Name", "name"),
                Column.of("DisplayName", "properties.displayName"), Column.of("Scope", "properties.scope"),
                Column.of("EnforcementMode", "properties.enforcementMode"));

        static String path(String scope, String name) {
            return scope.replaceAll("/+$", "")
                    + "/providers/Microsoft.Authorization/policyAssignments" + (name == null ? "" : "/" + name);
        }

        @Command(name = "create", description = "Assign a policy at a subscription or group.")
        static final class Create extends Leaf {
            @Option(names = {"-n", "--name"}, required = true, description = "Name of the assignment.")
            String name;

            @Option(names = "--policy", required = true, description = "Definition name, id or display name, "
                    + "e.g. \"Allowed locations\".")
            String policy;

            @Option(names = {"-p", "--params"}, description = "Parameters as JSON or @file, e.g. "
                    + "'{\"listOfAllowedLocations\":{\"value\":[\"japaneast\"]}}'.")
            String parameters;

            @Mixin
            ScopeOptions at;

            @Option(names = "--display-name", description = "Shown name.")
            String displayName;

            @Option(names = "--enforcement-mode", description = "Default or DoNotEnforce.")
            String enforcementMode;

            @Override
            JsonNode run(Session session) {
                JsonNode definition = session.send("GET", "/subscriptions/" + session.subscriptionId()
                        + "/providers/Microsoft.Authorization/policyDefinitions/" + policy, Session.POLICY_API, null);
                ObjectNode body = Json.object();
                ObjectNode properties = body.putObject("properties");
                properties.put("policyDefinitionId", definition.path("id").asText());
                properties.put("displayName", displayName != null ? displayName : name);
                if (parameters != null) {
                    properties.set("parameters", RoleCommands.jsonArgument(parameters, "--params"));
                }
                if (enforcementMode != null) {
                    properties.put("enforcementMode", enforcementMode);
                }
                return session.send("PUT", path(at.resolve(session), name), Session.POLICY_API, body);
            }
        }

        @Command(name = "list", description = "List policy assignments at a scope.")
        static final class ListCommand extends Leaf {
            @Mixin
            ScopeOptions at;

            @Option(names = "--disable-scope-strict-match", description = "Include assignments from above and below.")
            boolean loose;

            @Override
            JsonNode run(Session session) {
                String target = at.resolve(session).replaceAll("/+$", "");
                JsonNode value = session.send("GET", path(at.resolve(session), null), Session.POLICY_API,
                        Map.of("$filter", "atScope()"), null).path("value");
                var result = Json.MAPPER.createArrayNode();
                for (JsonNode assignment : value) {
                    if (loose || assignment.path("properties").path("scope").asText().equalsIgnoreCase(target)) {
                        result.add(assignment);
                    }
                }
                return result;
            }

            @Override
            List<Column> columns() {
                return COLUMNS;
            }
        }

        @Command(name = "show", description = "Show a policy assignment.")
        static final class Show extends Leaf {
            @Option(names = {"-n", "--name"}, required = true, description = "Name of the assignment.")
            String name;

            @Mixin
            ScopeOptions at;

            @Override
            JsonNode run(Session session) {
                return session.send("GET", path(at.resolve(session), name), Session.POLICY_API, null);
            }
        }

        @Command(name = "delete", description = "Delete a policy assignment.")
        static final class Delete extends Leaf {
            @Option(names = {"-n", "--name"}, required = true, description = "Name of the assignment.")
            String name;

            @Mixin
            ScopeOptions at;

            @Override
            JsonNode run(Session session) {
                session.send("DELETE", path(at.resolve(session), name), Session.POLICY_API, null);
                return null;
            }
        }
    }
}
