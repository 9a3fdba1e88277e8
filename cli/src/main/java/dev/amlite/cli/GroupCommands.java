package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AmliteException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite group …}: resource groups (RM-1). */
@Command(name = "group", description = "Manage resource groups.",
        subcommands = {GroupCommands.Create.class, GroupCommands.Show.class, GroupCommands.ListCommand.class,
                GroupCommands.Exists.class, GroupCommands.Update.class, GroupCommands.Delete.class})
final class GroupCommands {
    static final List<Column> COLUMNS = List.of(Column.of("Name", "name"), Column.of("Location", "location"),
            Column.of("Status", "properties.provisioningState"));

    static String path(Session session, String name) {
        return "/subscriptions/" + session.subscriptionId() + "/resourcegroups/" + name;
    }

    @Command(name = "create", description = "Create a resource group, or update its tags if it exists.")
    static final class Create extends Leaf {
        @Option(names = {"-n", "--name", "-g", "--resource-group"}, required = true, description = "Name of the group.")
        String name;

        @Option(names = {"-l", "--location"}, description = "Region, e.g. japaneast (default: the configured location).")
        String location;

        @Option(names = "--tags", arity = "0..*", description = "Space-separated tags: key[=value] ...")
        List<String> tags;

        @Option(names = "--managed-by", description = "Id of the resource that manages this group.")
        String managedBy;

        @Override
        JsonNode run(Session session) {
            String region = location != null ? location : session.defaultValue("location").orElseThrow(() ->
                    new CliError("the following arguments are required: --location/-l"));
            ObjectNode body = Json.object();
            body.put("location", region);
            body.set("tags", Tags.parse(tags));
            if (managedBy != null) {
                body.put("managedBy", managedBy);
            }
            return session.send("PUT", path(session, name), Session.RESOURCES_API, body);
        }
    }

    @Command(name = "show", description = "Show a resource group.")
    static final class Show extends Leaf {
        @Option(names = {"-n", "--name", "-g", "--resource-group"}, description = "Name of the group.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", path(session, session.group(name)), Session.RESOURCES_API, null);
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }

    @Command(name = "list", description = "List resource groups.")
    static final class ListCommand extends Leaf {
        @Option(names = "--tag", description = "Only groups with this tag: key[=value].")
        String tag;

        @Override
        JsonNode run(Session session) {
            Map<String, String> query = Map.of();
            if (tag != null) {
                int equals = tag.indexOf('=');
                query = Map.of("$filter", equals < 0 ? "tagName eq '" + tag + "'"
                        : "tagName eq '" + tag.substring(0, equals) + "' and tagValue eq '" + tag.substring(equals + 1) + "'");
            }
            return session.send("GET", "/subscriptions/" + session.subscriptionId() + "/resourcegroups",
                    Session.RESOURCES_API, query, null).path("value");
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }

    @Command(name = "exists", description = "Print true if the group exists, false otherwise.")
    static final class Exists extends Leaf {
        @Option(names = {"-n", "--name", "-g", "--resource-group"}, required = true, description = "Name of the group.")
        String name;

        @Override
        JsonNode run(Session session) {
            try {
                session.arm().send("HEAD", path(session, name), Session.RESOURCES_API, Map.of(), null);
                return BooleanNode.TRUE;
            } catch (AmliteException e) {
                if (e.status() == 404) {
                    return BooleanNode.FALSE;
                }
                throw e;
            }
        }
    }

    @Command(name = "update", description = "Update a group's tags or managed-by.")
    static final class Update extends Leaf {
        @Option(names = {"-n", "--name", "-g", "--resource-group"}, required = true, description = "Name of the group.")
        String name;

        @Option(names = "--tags", arity = "0..*", description = "Replace all tags: key[=value] ...")
        List<String> tags;

        @Option(names = "--set", arity = "1..*", description = "Set properties, e.g. tags.env=prod.")
        List<String> set;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            if (tags != null) {
                body.set("tags", Tags.parse(tags));
            }
            if (set != null) {
                JsonNode current = session.send("GET", path(session, name), Session.RESOURCES_API, null);
                ObjectNode merged = current.path("tags").isObject() ? ((ObjectNode) current.path("tags")).deepCopy() : Json.object();
                if (body.has("tags")) {
                    merged = (ObjectNode) body.get("tags");
                }
                for (String assignment : set) {
                    int equals = assignment.indexOf('=');
                    if (!assignment.startsWith("tags.") || equals < 0) {
                        throw new CliError("--set supports tags.<name>=<value> on resource groups; got '" + assignment + "'.");
                    }
                    merged.put(assignment.substring(5, equals), assignment.substring(equals + 1));
                }
                body.set("tags", merged);
            }
            return session.send("PATCH", path(session, name), Session.RESOURCES_API, body);
        }
    }

    @Command(name = "delete", description = "Delete a group and everything in it.")
    static final class Delete extends Leaf {
        @Option(names = {"-n", "--name", "-g", "--resource-group"}, required = true, description = "Name of the group.")
        String name;

        @Option(names = {"-y", "--yes"}, description = "Do not prompt for confirmation.")
        boolean yes;

        @Option(names = "--no-wait", description = "Return at once; the deletion goes on in the background.")
        boolean noWait;

        @Override
        JsonNode run(Session session) {
            Confirm.require(yes, "Deleting resource group '" + name + "' deletes every resource in it.");
            session.longRunning("DELETE", path(session, name), Session.RESOURCES_API, null, noWait);
            return null;
        }
    }
}
