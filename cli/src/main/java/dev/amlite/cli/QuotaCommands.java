package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code amlite quota …} (RM-11): the vCPU limits of a region, and quota-increase requests — asked by a user,
 * approved or rejected by an administrator of the subscription (Owner or User Access Administrator).
 */
@Command(name = "quota", description = "vCPU quotas per region and VM family, and requests to raise them.",
        subcommands = {QuotaCommands.ListCommand.class, QuotaCommands.Request.class})
final class QuotaCommands {
    private static final List<Column> REQUEST_COLUMNS = List.of(Column.of("Name", "name"),
            Column.of("Family", "properties.family"), Column.of("Limit", "properties.limit"),
            Column.of("Status", "properties.status"), Column.of("RequestedBy", "properties.requestedBy"));

    private QuotaCommands() {
    }

    static String requestsPath(Session session, String location) {
        return MlComputeCommands.locationPath(session, location) + "/quotaRequests";
    }

    @Command(name = "list", description = "The vCPU limit of every VM family in a region.")
    static final class ListCommand extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region, e.g. japaneast.")
        String location;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", MlComputeCommands.locationPath(session, location) + "/quotas", MlCommands.ML_API,
                    null).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name.value"), Column.of("Limit", "limit"), Column.of("Unit", "unit"));
        }
    }

    @Command(name = "request", description = "Quota-increase requests.", subcommands = {Create.class, Show.class,
            RequestList.class, Approve.class, Reject.class})
    static final class Request {
    }

    @Command(name = "create", description = "Ask for a higher vCPU limit of a VM family in a region.")
    static final class Create extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region, e.g. japaneast.")
        String location;
        @Option(names = "--family", required = true, description = "VM family, e.g. standardNCSv3Family.")
        String family;
        @Option(names = "--limit", required = true, description = "The vCPU limit wanted.")
        int limit;
        @Option(names = "--justification", description = "Why (shown to the administrator).")
        String justification;
        @Option(names = {"-n", "--name"}, description = "Request name (default: a new GUID).")
        String name;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            ObjectNode properties = body.putObject("properties");
            properties.put("family", family).put("limit", limit);
            if (justification != null) {
                properties.put("justification", justification);
            }
            String id = name != null ? name : UUID.randomUUID().toString();
            return session.send("PUT", requestsPath(session, location) + "/" + id, MlCommands.ML_API, body);
        }
    }

    @Command(name = "show", description = "Show a quota request.")
    static final class Show extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region.")
        String location;
        @Option(names = {"-n", "--name"}, required = true, description = "Request name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", requestsPath(session, location) + "/" + name, MlCommands.ML_API, null);
        }
    }

    @Command(name = "list", description = "The quota requests of a region.")
    static final class RequestList extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region.")
        String location;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", requestsPath(session, location), MlCommands.ML_API, null).path("value");
        }

        @Override
        List<Column> columns() {
            return REQUEST_COLUMNS;
        }
    }

    abstract static class Decide extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region.")
        String location;
        @Option(names = {"-n", "--name"}, required = true, description = "Request name.")
        String name;

        abstract String action();

        @Override
        JsonNode run(Session session) {
            return session.send("POST", requestsPath(session, location) + "/" + name + "/" + action(),
                    MlCommands.ML_API, null);
        }
    }

    @Command(name = "approve", description = "Approve a request: the family's limit becomes the one asked (administrators).")
    static final class Approve extends Decide {
        @Override
        String action() {
            return "approve";
        }
    }

    @Command(name = "reject", description = "Reject a request (administrators).")
    static final class Reject extends Decide {
        @Override
        String action() {
            return "reject";
        }
    }
}
