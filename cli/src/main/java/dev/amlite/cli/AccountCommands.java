package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AccessToken;
import dev.amlite.sdk.Profile;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite account …}: subscriptions of the login, tokens, and (for admins) new subscriptions and tenants. */
@Command(name = "account", description = "Manage subscriptions and tenants.",
        subcommands = {AccountCommands.ListCommand.class, AccountCommands.Show.class, AccountCommands.Set.class,
                AccountCommands.GetAccessToken.class, AccountCommands.Create.class, AccountCommands.ListLocations.class,
                AccountCommands.Tenant.class})
final class AccountCommands {
    static ArrayNode present(Profile profile, List<Profile.SubscriptionEntry> entries) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        entries.forEach(entry -> array.add(present(profile, entry)));
        return array;
    }

    static ObjectNode present(Profile profile, Profile.SubscriptionEntry entry) {
        ObjectNode node = Json.object();
        node.put("cloudName", "amlite");
        node.put("homeTenantId", entry.tenantId());
        node.put("id", entry.id());
        node.put("isDefault", entry.isDefault());
        node.putArray("managedByTenants");
        node.put("name", entry.name());
        node.put("state", entry.state());
        node.put("tenantId", entry.tenantId());
        node.putObject("user").put("name", profile.userName()).put("type", profile.userType());
        return node;
    }

    static final List<Column> COLUMNS = List.of(Column.of("Name", "name"), Column.of("CloudName", "cloudName"),
            Column.of("SubscriptionId", "id"), Column.of("TenantId", "tenantId"), Column.of("State", "state"),
            Column.of("IsDefault", "isDefault"));

    @Command(name = "list", description = "List the subscriptions of the login.")
    static final class ListCommand extends Leaf {
        @Option(names = "--refresh", description = "Ask the server again instead of using the login's list.")
        boolean refresh;

        @Option(names = "--all", description = "Accepted for az compatibility; all subscriptions are listed.")
        boolean all;

        @Override
        JsonNode run(Session session) {
            if (refresh) {
                refresh(session);
            }
            return present(session.profile(), session.profile().subscriptions());
        }

        @Override
        List<Column> columns() {
            return COLUMNS;
        }
    }

    static void refresh(Session session) {
        String current = session.profile().defaultSubscription().map(Profile.SubscriptionEntry::id).orElse(null);
        session.replaceProfile(session.profile().withSubscriptions(
                LoginCommands.fetchSubscriptions(session.arm(), current)));
    }

    @Command(name = "show", description = "Show the current subscription, or the one named by -s.")
    static final class Show extends Leaf {
        @Option(names = {"-s", "--name"}, description = "Subscription name or id.")
        String name;

        @Override
        JsonNode run(Session session) {
            Profile profile = session.profile();
            String wanted = name != null ? name : session.subscriptionId();
            return present(profile, find(profile, wanted));
        }
    }

    static Profile.SubscriptionEntry find(Profile profile, String nameOrId) {
        return profile.subscriptions().stream()
                .filter(s -> s.id().equalsIgnoreCase(nameOrId) || s.name().equalsIgnoreCase(nameOrId))
                .findFirst().orElseThrow(() -> new CliError("The subscription of '" + nameOrId + "' doesn't exist in "
                        + "cloud 'amlite'. Run 'amlite account list --refresh' to see yours.", 1));
    }

    @Command(name = "set", description = "Make a subscription the current one.")
    static final class Set extends Leaf {
        @Option(names = {"-s", "--name", "-n"}, description = "Subscription name or id (or --subscription).")
        String name;

        @Override
        JsonNode run(Session session) {
            String wanted = name != null ? name : global.subscription;
            if (wanted == null) {
                throw new CliError("the following arguments are required: --subscription/-s");
            }
            Profile profile = session.profile();
            Profile.SubscriptionEntry chosen = find(profile, wanted);
            List<Profile.SubscriptionEntry> updated = new ArrayList<>();
            for (Profile.SubscriptionEntry entry : profile.subscriptions()) {
                updated.add(new Profile.SubscriptionEntry(entry.id(), entry.name(), entry.state(), entry.tenantId(),
                        entry.id().equals(chosen.id())));
            }
            session.replaceProfile(profile.withSubscriptions(updated));
            return null;
        }
    }

    @Command(name = "get-access-token", description = "Print an access token for the current login.")
    static final class GetAccessToken extends Leaf {
        @Override
        JsonNode run(Session session) {
            AccessToken token = session.token();
            ObjectNode node = Json.object();
            node.put("accessToken", token.token());
            node.put("expiresOn", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
                    .format(token.expiresAt().atZone(ZoneId.systemDefault())));
            node.put("expires_on", token.expiresAt().getEpochSecond());
            node.put("subscription", session.subscriptionId());
            node.put("tenant", session.profile().tenantId());
            node.put("tokenType", "Bearer");
            return node;
        }
    }

    @Command(name = "create", description = "Create a subscription (needs rights at the root scope).")
    static final class Create extends Leaf {
        @Option(names = "--display-name", required = true, description = "Name of the new subscription.")
        String displayName;

        @Option(names = "--tenant-id", description = "Tenant of the new subscription (default: yours).")
        String tenantId;

        @Override
        JsonNode run(Session session) {
            ObjectNode body = Json.object();
            ObjectNode properties = body.putObject("properties");
            properties.put("displayName", displayName);
            properties.put("workload", "Production");
            if (tenantId != null) {
                properties.putObject("additionalProperties").put("subscriptionTenantId", tenantId);
            }
            JsonNode alias = session.send("PUT", "/providers/Microsoft.Subscription/aliases/" + UUID.randomUUID(),
                    Session.SUBSCRIPTION_API, body);
            String subscriptionId = alias.path("properties").path("subscriptionId").asText();
            refresh(session);
            JsonNode created = session.send("GET", "/subscriptions/" + subscriptionId, Session.RESOURCES_API, null);
            return created;
        }
    }

    @Command(name = "list-locations", description = "List the regions subscriptions can use.")
    static final class ListLocations extends Leaf {
        @Override
        JsonNode run(Session session) {
            return session.send("GET", "/subscriptions/" + session.subscriptionId() + "/locations",
                    Session.RESOURCES_API, null).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("DisplayName", "displayName"), Column.of("Name", "name"),
                    Column.of("RegionalDisplayName", "regionalDisplayName"));
        }
    }

    @Command(name = "tenant", description = "Manage tenants.",
            subcommands = {Tenant.CreateTenant.class, Tenant.ListTenants.class})
    static final class Tenant {
        @Command(name = "create", description = "Create a tenant (needs rights at the root scope).")
        static final class CreateTenant extends Leaf {
            @Option(names = "--display-name", required = true, description = "Name of the tenant.")
            String displayName;

            @Override
            JsonNode run(Session session) {
                ObjectNode body = Json.object();
                body.putObject("properties").put("displayName", displayName);
                return session.send("PUT", "/tenants/" + UUID.randomUUID(), Session.RESOURCES_API, body);
            }
        }

        @Command(name = "list", description = "List the tenants you can see.")
        static final class ListTenants extends Leaf {
            @Override
            JsonNode run(Session session) {
                return session.send("GET", "/tenants", Session.RESOURCES_API, null).path("value");
            }

            @Override
            List<Column> columns() {
                return List.of(Column.of("TenantId", "tenantId"), Column.of("DisplayName", "displayName"),
                        Column.of("DefaultDomain", "defaultDomain"));
            }
        }
    }
}
