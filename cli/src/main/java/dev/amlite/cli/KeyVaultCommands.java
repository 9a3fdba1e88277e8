package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite keyvault …}: vaults (soft delete, recover, purge), secrets and keys. */
@Command(name = "keyvault", description = "Manage key vaults, secrets and keys.",
        subcommands = {KeyVaultCommands.Create.class, KeyVaultCommands.Show.class, KeyVaultCommands.ListCommand.class,
                KeyVaultCommands.Update.class, KeyVaultCommands.Delete.class, KeyVaultCommands.ListDeleted.class,
                KeyVaultCommands.Recover.class, KeyVaultCommands.Purge.class, KeyVaultCommands.Secret.class,
                KeyVaultCommands.Key.class})
final class KeyVaultCommands {
    static final String API = "2023-07-01";

    static String vaultPath(Session session, String group, String name) {
        return "/subscriptions/" + session.subscriptionId() + "/resourceGroups/" + session.group(group)
                + "/providers/Microsoft.KeyVault/vaults/" + name;
    }

    abstract static class VaultLeaf extends Leaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Vault name.")
        String name;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;
    }

    @Command(name = "create", description = "Create a key vault.")
    static final class Create extends VaultLeaf {
        @Option(names = {"-l", "--location"}, description = "Region (default: the group's).")
        String location;
        @Option(names = "--enable-purge-protection", arity = "0..1", description = "Enable purge protection.")
        boolean purgeProtection;
        @Option(names = "--retention-days", description = "Soft-delete retention, 7-90 days (default 90).")
        Integer retention;
        @Option(names = "--sku", description = "standard (default) or premium.")
        String sku = "standard";

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            if (location != null) {
                body.put("location", location);
            }
            ObjectNode properties = body.putObject("properties");
            properties.putObject("sku").put("family", "A").put("name", sku);
            properties.put("tenantId", session.profile().tenantId());
            properties.put("enablePurgeProtection", purgeProtection);
            if (retention != null) {
                properties.put("softDeleteRetentionInDays", retention);
            }
            return session.send("PUT", vaultPath(session, group, name), API, body);
        }
    }

    @Command(name = "show", description = "Show a key vault.")
    static final class Show extends VaultLeaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", vaultPath(session, group, name), API, null);
        }
    }

    @Command(name = "list", description = "List key vaults.")
    static final class ListCommand extends Leaf {
        @Option(names = {"-g", "--resource-group"}, description = "Resource group.")
        String group;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", "/subscriptions/" + session.subscriptionId()
                    + (group == null ? "" : "/resourceGroups/" + group) + "/providers/Microsoft.KeyVault/vaults",
                    API, null).path("value");
        }
    }

    @Command(name = "update", description = "Update a key vault.")
    static final class Update extends VaultLeaf {
        @Option(names = "--enable-purge-protection", arity = "1", description = "true to enable (cannot be undone).")
        Boolean purgeProtection;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            ObjectNode properties = body.putObject("properties");
            if (purgeProtection != null) {
                properties.put("enablePurgeProtection", purgeProtection);
            }
            return session.send("PATCH", vaultPath(session, group, name), API, body);
        }
    }

    @Command(name = "delete", description = "Delete (soft-delete) a key vault.")
    static final class Delete extends VaultLeaf {
        @Override
        JsonNode run(Session session) {
            session.send("DELETE", vaultPath(session, group, name), API, null);
            return null;
        }
    }

    @Command(name = "list-deleted", description = "List soft-deleted key vaults.")
    static final class ListDeleted extends Leaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", "/subscriptions/" + session.subscriptionId()
                    + "/providers/Microsoft.KeyVault/deletedVaults", API, null).path("value");
        }
    }

    static JsonNode deleted(Session session, String name) {
        for (JsonNode vault : session.send("GET", "/subscriptions/" + session.subscriptionId()
                + "/providers/Microsoft.KeyVault/deletedVaults", API, null).path("value")) {
            if (vault.path("name").asText().equalsIgnoreCase(name)) {
                return vault;
            }
        }
        throw new CliError("No deleted vault named '" + name + "'. 'amlite keyvault list-deleted' lists them.", 3);
    }

    @Command(name = "recover", description = "Recover a soft-deleted key vault.")
    static final class Recover extends Leaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Vault name.")
        String name;

        @Override
        JsonNode run(Session session) {
            JsonNode vault = deleted(session, name);
            ObjectNode body = Json.object();
            body.put("location", vault.path("properties").path("location").asText());
            body.putObject("properties").put("createMode", "recover");
            return session.send("PUT", vault.path("properties").path("vaultId").asText(), API, body);
        }
    }

    @Command(name = "purge", description = "Permanently delete a soft-deleted key vault.")
    static final class Purge extends Leaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Vault name.")
        String name;

        @Override
        JsonNode run(Session session) {
            session.send("POST", deleted(session, name).path("id").asText() + "/purge", API, null);
            return null;
        }
    }

    // --- secrets

    @Command(name = "secret", description = "Manage secrets.",
            subcommands = {SecretSet.class, SecretShow.class, SecretList.class, SecretDelete.class})
    static final class Secret {
    }

    abstract static class VaultChildLeaf extends Leaf {
        @Option(names = "--vault-name", required = true, description = "Vault name.")
        String vault;
        @Option(names = {"-g", "--resource-group"}, description = "Resource group of the vault (default: found by name).")
        String group;

        String vaultPath(Session session) {
            if (group != null) {
                return KeyVaultCommands.vaultPath(session, group, vault);
            }
            for (JsonNode candidate : session.send("GET", "/subscriptions/" + session.subscriptionId()
                    + "/providers/Microsoft.KeyVault/vaults", API, null).path("value")) {
                if (candidate.path("name").asText().equalsIgnoreCase(vault)) {
                    return candidate.path("id").asText();
                }
            }
            throw new CliError("The vault '" + vault + "' was not found in subscription " + session.subscriptionId() + ".", 3);
        }
    }

    @Command(name = "set", description = "Set a secret (a new version).")
    static final class SecretSet extends VaultChildLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Secret name.")
        String name;
        @Option(names = "--value", required = true, description = "Secret value.")
        String value;
        @Option(names = "--content-type", description = "Content type.")
        String contentType;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            ObjectNode properties = body.putObject("properties").put("value", value);
            if (contentType != null) {
                properties.put("contentType", contentType);
            }
            session.send("PUT", vaultPath(session) + "/secrets/" + name, API, body);
            return session.send("POST", vaultPath(session) + "/secrets/" + name + "/getSecret", API, null);
        }
    }

    @Command(name = "show", description = "Show a secret with its value.")
    static final class SecretShow extends VaultChildLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Secret name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("POST", vaultPath(session) + "/secrets/" + name + "/getSecret", API, null);
        }
    }

    @Command(name = "list", description = "List secrets (without values).")
    static final class SecretList extends VaultChildLeaf {
        @Override
        JsonNode run(Session session) {
            ArrayNode result = Json.MAPPER.createArrayNode();
            for (JsonNode secret : session.send("GET", vaultPath(session) + "/secrets", API, null).path("value")) {
                result.addObject().put("name", secret.path("name").asText())
                        .put("id", secret.path("properties").path("secretUri").asText())
                        .set("attributes", secret.path("properties").path("attributes"));
            }
            return result;
        }
    }

    @Command(name = "delete", description = "Delete a secret.")
    static final class SecretDelete extends VaultChildLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Secret name.")
        String name;

        @Override
        JsonNode run(Session session) {
            session.send("DELETE", vaultPath(session) + "/secrets/" + name, API, null);
            return null;
        }
    }

    // --- keys

    @Command(name = "key", description = "Manage keys.", subcommands = {KeyCreate.class, KeyShow.class, KeyRotate.class})
    static final class Key {
    }

    @Command(name = "create", description = "Create an RSA key.")
    static final class KeyCreate extends VaultChildLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Key name.")
        String name;
        @Option(names = "--kty", description = "RSA (default) or RSA-HSM.")
        String kty = "RSA";
        @Option(names = "--size", description = "2048 (default), 3072 or 4096.")
        int size = 2048;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            body.putObject("properties").put("kty", kty).put("keySize", size);
            return session.send("PUT", vaultPath(session) + "/keys/" + name, API, body);
        }
    }

    @Command(name = "show", description = "Show a key.")
    static final class KeyShow extends VaultChildLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Key name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", vaultPath(session) + "/keys/" + name, API, null);
        }
    }

    @Command(name = "rotate", description = "Make a new version of a key.")
    static final class KeyRotate extends VaultChildLeaf {
        @Option(names = {"-n", "--name"}, required = true, description = "Key name.")
        String name;

        @Override
        JsonNode run(Session session) {
            return session.send("POST", vaultPath(session) + "/keys/" + name + "/rotate", API, null);
        }
    }

}
