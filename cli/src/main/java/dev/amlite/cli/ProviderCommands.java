package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite provider …}: resource provider registration (RM-3). */
@Command(name = "provider", description = "Manage resource provider registration.",
        subcommands = {ProviderCommands.Register.class, ProviderCommands.Unregister.class, ProviderCommands.Show.class,
                ProviderCommands.ListCommand.class})
final class ProviderCommands {
    static final List<Column> COLUMNS = List.of(Column.of("Namespace", "namespace"),
            Column.of("RegistrationPolicy", "registrationPolicy"), Column.of("RegistrationState", "registrationState"));

    @Command(name = "register", description = "Register a namespace with the subscription.")
    static final class Register extends Leaf {
        @Option(names = {"-n", "--namespace"}, required = true, description = "e.g. Microsoft.ContainerService")
        String namespace;

        @Option(names = "--wait", description = "Accepted for az compatibility; registration completes at once.")
        boolean await;

        @Override
        JsonNode run(Session session) {
            session.send("POST", "/subscriptions/" + session.subscriptionId() + "/providers/" + namespace + "/register",
                    Session.RESOURCES_API, null);
            return null;
        }
    }

    @Command(name = "unregister", description = "Unregister a namespace from the subscription.")
    static final class Unregister extends Leaf {
        @Option(names = {"-n", "--namespace"}, required = true, description = "e.g. Microsoft.ContainerService")
        String namespace;

        @Option(names = "--wait", description = "Accepted for az compatibility.")
        boolean await;

        @Override
        JsonNode run(Session session) {
            session.send("POST", "/subscriptions/" + session.subscriptionId() + "/providers/" + namespace + "/unregister",
                    Session.RESOURCES_API, null);
            return null;
        }
    }

    @Command(name = "show", description = "Show a namespace and its registration state.")
    static final class Show extends Leaf {
        @Option(names = {"-n", "--namespace"}, required = true, description = "e.g. Microsoft.MachineLearningServices")
        String namespace;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", "/subscriptions/" + session.subscriptionId() + "/providers/" + namespace,
                    Session.RESOURCES_API, null);
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }

    @Command(name = "list", description = "List namespaces and their registration state.")
    static final class ListCommand extends Leaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", "/subscriptions/" + session.subscriptionId() + "/providers",
                    Session.RESOURCES_API, null).path("value");
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }
}
