package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite storage account …}: storage accounts and their keys. */
@Command(name = "storage", description = "Manage storage accounts.", subcommands = StorageCommands.Account.class)
final class StorageCommands {
    static final String API = "2023-01-01";

    @Command(name = "account", description = "Manage storage accounts.",
            subcommands = {Create.class, Show.class, ListCommand.class, Delete.class, Keys.class})
    static final class Account {
    }

    abstract static class AccountLeaf extends Leaf {
        @Option(names = {"-n", "--name", "--account-name"}, required = true, description = "Account name.")
        String name;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        String path(Session session) {
            return "/subscriptions/" + session.subscriptionId() + "/resourceGroups/" + session.group(group)
                    + "/providers/Microsoft.Storage/storageAccounts/" + name;
        }
    }

    @Command(name = "create", description = "Create a storage account.")
    static final class Create extends AccountLeaf {
        @Option(names = {"-l", "--location"}, description = "Region (default: the group's).")
        String location;
        @Option(names = "--sku", description = "Standard_LRS (default), Standard_GRS, Premium_LRS, ...")
        String sku = "Standard_LRS";
        @Option(names = "--kind", description = "StorageV2 (default), Storage, BlobStorage, BlockBlobStorage, FileStorage.")
        String kind = "StorageV2";
        @Option(names = {"--hns", "--enable-hierarchical-namespace"}, arity = "0..1", description = "Hierarchical namespace.")
        boolean hns;
        @Option(names = "--tags", arity = "0..*", description = "key[=value] ...")
        List<String> tags;
        @Option(names = "--blob-connection-string-file", description = "File holding the connection string of an "
                + "external blob service (Azure or Azurite) to keep this account's blobs in, instead of amlite's own.")
        java.nio.file.Path connectionStringFile;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            if (location != null) {
                body.put("location", location);
            }
            body.putObject("sku").put("name", sku);
            body.put("kind", kind);
            body.set("tags", Tags.parse(tags));
            ObjectNode properties = body.putObject("properties").put("isHnsEnabled", hns);
            if (connectionStringFile != null) {
                try {
                    properties.putObject("amliteBlobService").put("connectionString",
                            java.nio.file.Files.readString(connectionStringFile).strip());
                } catch (java.io.IOException e) {
                    throw new CliError("Cannot read " + connectionStringFile + ": " + e.getMessage(), 1);
                }
            }
            return session.send("PUT", path(session), API, body);
        }
    }

    @Command(name = "show", description = "Show a storage account.")
    static final class Show extends AccountLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", path(session), API, null);
        }
    }

    @Command(name = "list", description = "List storage accounts.")
    static final class ListCommand extends Leaf {
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", "/subscriptions/" + session.subscriptionId()
                    + (group == null ? "" : "/resourceGroups/" + group)
                    + "/providers/Microsoft.Storage/storageAccounts", API, null).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name"), Column.of("Kind", "kind"), Column.of("Sku", "sku.name"),
                    Column.of("Location", "location"));
        }
    }

    @Command(name = "delete", description = "Delete a storage account.")
    static final class Delete extends AccountLeaf {
        @Option(names = {"-y", "--yes"}, description = "Do not prompt.")
        boolean yes;

        @Override
        JsonNode run(Session session) {
            Confirm.require(yes, "Deleting storage account '" + name + "' deletes its data.");
            session.send("DELETE", path(session), API, null);
            return null;
        }
    }

    @Command(name = "keys", description = "List or renew account keys.", subcommands = {KeysList.class, KeysRenew.class})
    static final class Keys {
    }

    @Command(name = "list", description = "List the account's two keys.")
    static final class KeysList extends AccountLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("POST", path(session) + "/listKeys", API, null).path("keys");
        }
    }

    @Command(name = "renew", description = "Regenerate a key: --key primary (key1) or secondary (key2).")
    static final class KeysRenew extends AccountLeaf {
        @Option(names = "--key", required = true, description = "primary or secondary.")
        String key;

        @Override
        JsonNode run(Session session) {
            String keyName = switch (key.toLowerCase()) {
                case "primary", "key1" -> "key1";
                case "secondary", "key2" -> "key2";
                default -> throw new CliError("argument --key: invalid choice: '" + key + "' (choose from 'primary', "
                        + "'secondary')");
            };
            return session.send("POST", path(session) + "/regenerateKey", API,
                    Json.object().put("keyName", keyName)).path("keys");
        }
    }
}
