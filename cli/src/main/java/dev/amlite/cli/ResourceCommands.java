package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmPath;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.sdk.ArmClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite resource …}: any resource by id (RM-2). */
@Command(name = "resource", description = "Manage any resource by id.",
        subcommands = {ResourceCommands.Show.class, ResourceCommands.ListCommand.class, ResourceCommands.Delete.class,
                ResourceCommands.InvokeAction.class, ResourceCommands.Move.class})
final class ResourceCommands {
    static final List<Column> COLUMNS = List.of(Column.of("Name", "name"), Column.of("ResourceGroup", "resourceGroup"),
            Column.of("Location", "location"), Column.of("Type", "type"));

    /** The newest non-preview api-version the provider offers for the resource's type, as az picks it. */
    static String apiVersionFor(Session session, ResourceId id) {
        if (id.isResourceGroup() || id.isSubscription()) {
            return Session.RESOURCES_API;
        }
        String namespace = id.namespace();
        if (namespace.equalsIgnoreCase("Microsoft.Authorization")) {
            return id.typeKey().contains("policy") ? Session.POLICY_API : Session.AUTHORIZATION_API;
        }
        JsonNode provider = session.send("GET", "/subscriptions/" + id.subscriptionId() + "/providers/" + namespace,
                Session.RESOURCES_API, null);
        String typeBelow = id.type().substring(id.type().indexOf('/') + 1);
        for (JsonNode type : provider.path("resourceTypes")) {
            if (type.path("resourceType").asText().equalsIgnoreCase(typeBelow)) {
                for (JsonNode version : type.path("apiVersions")) {
                    if (!version.asText().contains("preview")) {
                        return version.asText();
                    }
                }
            }
        }
        throw new CliError("The resource type '" + id.type() + "' is not offered by namespace '" + namespace + "'.", 1);
    }

    static List<ResourceId> ids(List<String> given) {
        List<ResourceId> ids = new ArrayList<>();
        for (String id : given) {
            ArmPath path = ArmPath.parse(id);
            if (path.trailing() != null || path.providerNamespace() != null) {
                throw new CliError("--ids '" + id + "' is not a resource id.");
            }
            ids.add(path.resource());
        }
        return ids;
    }

    @Command(name = "show", description = "Show one or more resources by id.")
    static final class Show extends Leaf {
        @Option(names = "--ids", arity = "1..*", required = true, description = "Resource ids.")
        List<String> ids;

        @Override
        JsonNode run(Session session) {
            List<ResourceId> parsed = ids(ids);
            if (parsed.size() == 1) {
                return session.send("GET", parsed.getFirst().id(), apiVersionFor(session, parsed.getFirst()), null);
            }
            ArrayNode all = Json.MAPPER.createArrayNode();
            for (ResourceId id : parsed) {
                all.add(session.send("GET", id.id(), apiVersionFor(session, id), null));
            }
            return all;
        }
    }

    @Command(name = "list", description = "List resources of the subscription or a group.")
    static final class ListCommand extends Leaf {
        @Option(names = {"-g", "--resource-group"}, description = "Only this group.")
        String group;

        @Option(names = "--resource-type", description = "Only this type, e.g. Microsoft.Storage/storageAccounts.")
        String resourceType;

        @Option(names = {"-n", "--name"}, description = "Only resources with this name.")
        String name;

        @Option(names = "--tag", description = "Only resources with this tag: key[=value].")
        String tag;

        @Override
        JsonNode run(Session session) {
            List<String> clauses = new ArrayList<>();
            if (resourceType != null) {
                clauses.add("resourceType eq '" + resourceType + "'");
            }
            if (name != null) {
                clauses.add("name eq '" + name + "'");
            }
            if (tag != null) {
                int equals = tag.indexOf('=');
                clauses.add("tagName eq '" + (equals < 0 ? tag : tag.substring(0, equals)) + "'");
                if (equals >= 0) {
                    clauses.add("tagValue eq '" + tag.substring(equals + 1) + "'");
                }
            }
            String scope = "/subscriptions/" + session.subscriptionId()
                    + (group == null ? "" : "/resourceGroups/" + group);
            Map<String, String> query = clauses.isEmpty() ? Map.of() : Map.of("$filter", String.join(" and ", clauses));
            JsonNode value = session.send("GET", scope + "/resources", Session.RESOURCES_API, query, null).path("value");
            for (JsonNode resource : value) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) resource).put("resourceGroup",
                        ResourceId.parse(resource.path("id").asText()).resourceGroup());
            }
            return value;
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }

    @Command(name = "delete", description = "Delete resources by id.")
    static final class Delete extends Leaf {
        @Option(names = "--ids", arity = "1..*", required = true, description = "Resource ids.")
        List<String> ids;

        @Option(names = "--no-wait", description = "Return without waiting for long-running deletions.")
        boolean noWait;

        @Override
        JsonNode run(Session session) {
            for (ResourceId id : ids(ids)) {
                session.longRunning("DELETE", id.id(), apiVersionFor(session, id), null, noWait);
            }
            return null;
        }
    }

    @Command(name = "invoke-action", description = "POST an action on resources by id (e.g. validateMoveResources "
            + "on a group), following a long-running answer to its end.")
    static final class InvokeAction extends Leaf {
        @Option(names = "--action", required = true, description = "The action, e.g. validateMoveResources.")
        String action;
        @Option(names = "--ids", arity = "1..*", required = true, description = "Resource ids.")
        List<String> ids;
        @Option(names = "--request-body", description = "JSON body of the action.")
        String body;

        @Override
        JsonNode run(Session session) {
            JsonNode request = null;
            if (body != null) {
                try {
                    request = Json.parse(body);
                } catch (RuntimeException e) {
                    throw new CliError("--request-body is not JSON: " + e.getMessage(), 2);
                }
            }
            ArrayNode results = Json.MAPPER.createArrayNode();
            for (ResourceId id : ids(ids)) {
                ArmClient.Response started = session.arm().send("POST", id.id() + "/" + action,
                        apiVersionFor(session, id), Map.of(), request);
                // Followed through Azure-AsyncOperation, whose final status says more than the Location's 204.
                Map<String, List<String>> headers = new java.util.HashMap<>(started.headers());
                headers.keySet().removeIf(name -> name.equalsIgnoreCase("Location"));
                JsonNode done = session.arm().waitForCompletion(new ArmClient.Response(started.status(),
                        headers, started.body()), () -> { }).body();
                if (done != null) {
                    results.add(done);
                }
            }
            return results.size() == 1 ? results.get(0) : results;
        }
    }

    @Command(name = "move", description = "Move resources (e.g. a workspace) to another group or subscription "
            + "(seed 000); validate first with 'resource invoke-action --action validateMoveResources'. Prints what each moved "
            + "workspace left to do (data assets to register again, role assignments, private endpoint connections, datastores).")
    static final class Move extends Leaf {
        @Option(names = "--ids", arity = "1..*", required = true, description = "Ids of resources of one group.")
        List<String> ids;
        @Option(names = "--destination-group", required = true, description = "Target resource group.")
        String group;
        @Option(names = "--destination-subscription-id", description = "Target subscription (default: the source's).")
        String subscription;
        @Option(names = "--no-wait", description = "Return without waiting for the move to end.")
        boolean noWait;

        @Override
        JsonNode run(Session session) {
            List<ResourceId> resources = ids(ids);
            ResourceId source = resources.getFirst().parent();
            for (ResourceId id : resources) {
                if (id.parent() == null || !id.parent().isResourceGroup() || !id.parent().key().equals(source.key())) {
                    throw new CliError("--ids must name top-level resources of one resource group; '" + id.id()
                            + "' is not one of '" + source.id() + "'.", 2);
                }
            }
            String targetSubscription = subscription != null ? subscription : source.subscriptionId();
            ObjectNode body = Json.object();
            ArrayNode list = body.putArray("resources");
            resources.forEach(id -> list.add(id.id()));
            body.put("targetResourceGroup", "/subscriptions/" + targetSubscription + "/resourceGroups/" + group);
            session.longRunning("POST", source.id() + "/moveResources", Session.RESOURCES_API, body, noWait);
            if (noWait) {
                return null;
            }
            // What each moved workspace's history says this move left to do (docs/moves.md), with the commands.
            ArrayNode done = Json.MAPPER.createArrayNode();
            for (ResourceId id : resources) {
                if (id.type().equalsIgnoreCase("Microsoft.MachineLearningServices/workspaces")) {
                    String moved = "/subscriptions/" + targetSubscription + "/resourceGroups/" + group
                            + id.id().substring(source.id().length());
                    JsonNode history = session.send("GET", moved, MlCommands.ML_API, null).path("properties")
                            .path("amliteMoveHistory");
                    if (!history.isEmpty()) {
                        done.add(history.get(history.size() - 1));
                    }
                }
            }
            return done.isEmpty() ? null : done;
        }
    }
}
