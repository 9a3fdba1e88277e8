package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite monitor app-insights component …}: Application Insights components. */
@Command(name = "monitor", description = "Monitoring resources.", subcommands = MonitorCommands.AppInsights.class)
final class MonitorCommands {
    static final String API = "2020-02-02";

    @Command(name = "app-insights", description = "Application Insights.", subcommands = Component.class)
    static final class AppInsights {
    }

    @Command(name = "component", description = "Application Insights components.", subcommands = {Create.class, Show.class})
    static final class Component {
    }

    abstract static class ComponentLeaf extends Leaf {
        @Option(names = {"-a", "--app"}, required = true, description = "Component name.")
        String app;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        String path(Session session) {
            return "/subscriptions/" + session.subscriptionId() + "/resourceGroups/" + session.group(group)
                    + "/providers/Microsoft.Insights/components/" + app;
        }
    }

    @Command(name = "create", description = "Create a component.")
    static final class Create extends ComponentLeaf {
        @Option(names = {"-l", "--location"}, description = "Region (default: the group's).")
        String location;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            if (location != null) {
                body.put("location", location);
            }
            body.put("kind", "web");
            body.putObject("properties").put("Application_Type", "web");
            return session.send("PUT", path(session), API, body);
        }
    }

    @Command(name = "show", description = "Show a component.")
    static final class Show extends ComponentLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", path(session), API, null);
        }
    }
}
