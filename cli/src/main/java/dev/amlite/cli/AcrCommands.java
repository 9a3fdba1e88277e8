package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite acr …}: container registries and their admin user. */
@Command(name = "acr", description = "Manage container registries.",
        subcommands = {AcrCommands.Create.class, AcrCommands.Show.class, AcrCommands.Update.class,
                AcrCommands.Delete.class, AcrCommands.Credential.class})
final class AcrCommands {
    static final String API = "2023-07-01";

    abstract static class RegistryLeaf extends Leaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Registry name.")
        String name;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        String path(Session session) {
            return "/subscriptions/" + session.subscriptionId() + "/resourceGroups/" + session.group(group)
                    + "/providers/Microsoft.ContainerRegistry/registries/" + name;
        }
    }

    @Command(name = "create", description = "Create a container registry.")
    static final class Create extends RegistryLeaf {
        @Option(names = "--sku", description = "Basic, Standard or Premium.")
        String sku = "Basic";
        @Option(names = {"-l", "--location"}, description = "Region (default: the group's).")
        String location;
        @Option(names = "--admin-enabled", arity = "0..1", description = "Enable the admin user.")
        boolean admin;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            if (location != null) {
                body.put("location", location);
            }
            body.putObject("sku").put("name", sku);
            body.putObject("properties").put("adminUserEnabled", admin);
            return session.send("PUT", path(session), API, body);
        }
    }

    @Command(name = "show", description = "Show a container registry.")
    static final class Show extends RegistryLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", path(session), API, null);
        }
    }

    @Command(name = "update", description = "Update a container registry.")
    static final class Update extends RegistryLeaf {
        @Option(names = "--admin-enabled", arity = "1", description = "true or false.")
        Boolean admin;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            ObjectNode properties = body.putObject("properties");
            if (admin != null) {
                properties.put("adminUserEnabled", admin);
            }
            return session.send("PATCH", path(session), API, body);
        }
    }

    @Command(name = "delete", description = "Delete a container registry.")
    static final class Delete extends RegistryLeaf {
        @Option(names = {"-y", "--yes"}, description = "Do not prompt.")
        boolean yes;

        @Override
        JsonNode run(Session session) {
            Confirm.require(yes, "Deleting registry '" + name + "' deletes its images.");
            session.send("DELETE", path(session), API, null);
            return null;
        }
    }

    @Command(name = "credential", description = "Admin user credentials.", subcommands = {CredentialShow.class, CredentialRenew.class})
    static final class Credential {
    }

    @Command(name = "show", description = "Show the admin user's name and passwords.")
    static final class CredentialShow extends RegistryLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("POST", path(session) + "/listCredentials", API, null);
        }
    }

    @Command(name = "renew", description = "Regenerate password or password2.")
    static final class CredentialRenew extends RegistryLeaf {
        @Option(names = "--password-name", required = true, description = "password or password2.")
        String passwordName;

        @Override
        JsonNode run(Session session) {
            return session.send("POST", path(session) + "/regenerateCredential", API, Json.object().put("name", passwordName));
        }
    }
}
