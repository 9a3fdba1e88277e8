package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The "what a user can do" story of the foundation issue, command by command through the CLI process. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FoundationWalkthroughTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        admin = new Cli(temporary.resolve("admin-config"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @Order(1)
    void loginTrustsTheLocalCertificateAndListsTheDefaultSubscription() {
        Cli.Result wrong = admin.run("login", "--server", server.url(), "--username", "admin", "--password", "wrong-password",
                "--data-dir", server.dataDirectory().toString());
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("invalid_grant").contains("invalid username or password");

        JsonNode accounts = Json.parse(admin.ok("login", "--server", server.url(), "--username", "admin",
                "--password", TestServer.ADMIN_PASSWORD, "--data-dir", server.dataDirectory().toString()));
        assertThat(accounts).hasSize(1);
        assertThat(accounts.get(0).path("id").asText()).isEqualTo(server.subscriptionId());
        assertThat(accounts.get(0).path("isDefault").asBoolean()).isTrue();
        assertThat(accounts.get(0).path("user").path("name").asText()).isEqualTo("admin");

        String table = admin.ok("account", "list", "-o", "table");
        assertThat(table.lines().toList().get(0)).startsWith("Name").contains("SubscriptionId").contains("IsDefault");
        assertThat(table).contains(server.subscriptionId()).contains("True");
    }

    @Test
    @Order(2)
    void groupCreateShowQueryAndExists() {
        JsonNode group = Json.parse(admin.ok("group", "create", "--name", "rg1", "--location", "japaneast",
                "--tags", "env=dev", "team"));
        assertThat(group.path("id").asText()).isEqualTo("/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1");
        assertThat(group.path("type").asText()).isEqualTo("Microsoft.Resources/resourceGroups");
        assertThat(group.path("tags").path("env").asText()).isEqualTo("dev");
        assertThat(group.has("managedBy")).isTrue();

        assertThat(admin.ok("group", "show", "-n", "rg1", "--query", "properties.provisioningState", "-o", "tsv").strip())
                .isEqualTo("Succeeded");
        assertThat(admin.ok("group", "exists", "-n", "rg1").strip()).isEqualTo("true");
        assertThat(admin.ok("group", "exists", "-n", "absent").strip()).isEqualTo("false");
        Cli.Result missing = admin.run("group", "show", "-n", "absent");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("ResourceGroupNotFound").contains("'absent' could not be found");
        assertThat(admin.ok("group", "list", "-o", "table")).contains("rg1").contains("japaneast").contains("Succeeded");
        assertThat(admin.ok("group", "list", "--query", "[].name", "-o", "yaml")).contains("- rg1");
    }

    @Test
    @Order(3)
    void providerRegistrationChangesWhatCanBeCreated() throws Exception {
        String token = server.adminToken();
        String cluster = "/subscriptions/" + server.subscriptionId()
                + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1?api-version=2023-01-01";
        TestServer.Answer refused = server.call("PUT", cluster, token, "{\"location\":\"japaneast\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("MissingSubscriptionRegistration");
        assertThat(refused.message()).contains("The subscription is not registered to use namespace 'Microsoft.ContainerService'");

        assertThat(admin.ok("provider", "show", "--namespace", "Microsoft.ContainerService", "--query",
                "registrationState", "-o", "tsv").strip()).isEqualTo("NotRegistered");
        admin.ok("provider", "register", "--namespace", "Microsoft.ContainerService");
        assertThat(admin.ok("provider", "show", "--namespace", "Microsoft.ContainerService", "--query",
                "registrationState", "-o", "tsv").strip()).isEqualTo("Registered");
        assertThat(server.call("PUT", cluster, token, "{\"location\":\"japaneast\"}").status()).isEqualTo(201);

        TestServer.Answer badLocation = server.call("PUT", cluster.replace("aks1", "aks2"), token, "{\"location\":\"chinaeast2\"}");
        assertThat(badLocation.code()).isEqualTo("NoRegisteredProviderFound");
        assertThat(badLocation.message()).startsWith("No registered resource provider found for location 'chinaeast2'");
    }

    @Test
    @Order(4)
    void servicePrincipalForRbacLogsInAndIsLimitedToItsRole() {
        String scope = "/subscriptions/" + server.subscriptionId() + "/resourceGroups/rg1";
        JsonNode principal = Json.parse(admin.ok("ad", "sp", "create-for-rbac", "--name", "ci-bot", "--role", "Reader",
                "--scopes", scope));
        assertThat(principal.path("appId").asText()).hasSize(36);
        assertThat(principal.path("password").asText()).hasSizeGreaterThan(30);
        assertThat(principal.path("tenant").asText()).isEqualTo(server.tenantId());

        String table = admin.ok("role", "assignment", "list", "--scope", scope, "-o", "table");
        assertThat(table.lines().toList().get(0)).contains("Principal").contains("Role").contains("Scope");
        assertThat(table).contains(principal.path("appId").asText()).contains("Reader").contains(scope);

        Cli bot = new Cli(temporary.resolve("bot-config"));
        bot.ok("login", "--service-principal", "-u", principal.path("appId").asText(), "-p",
                principal.path("password").asText(), "--tenant", principal.path("tenant").asText(),
                "--server", server.url(), "--data-dir", server.dataDirectory().toString(), "-o", "none");
        assertThat(bot.ok("group", "show", "-n", "rg1", "--query", "name", "-o", "tsv").strip()).isEqualTo("rg1");
        Cli.Result write = bot.run("group", "update", "-n", "rg1", "--tags", "owner=bot");
        assertThat(write.exitCode()).isEqualTo(1);
        assertThat(write.err()).contains("AuthorizationFailed")
                .contains("'Microsoft.Resources/subscriptions/resourceGroups/write'")
                .contains("over scope '" + scope + "'")
                .contains(principal.path("appId").asText());
        Cli.Result badSecret = bot.run("login", "--service-principal", "-u", principal.path("appId").asText(), "-p",
                "not-the-secret", "--tenant", server.tenantId(), "--server", server.url(), "--data-dir",
                server.dataDirectory().toString());
        assertThat(badSecret.exitCode()).isEqualTo(1);
        assertThat(badSecret.err()).contains("invalid_client");
    }

    @Test
    @Order(5)
    void allowedLocationsPolicyRefusesOtherRegions() throws Exception {
        String subscription = "/subscriptions/" + server.subscriptionId();
        JsonNode assignment = Json.parse(admin.ok("policy", "assignment", "create", "--name", "only-japan", "--policy",
                "Allowed locations", "--params", "{\"listOfAllowedLocations\":{\"value\":[\"japaneast\"]}}",
                "--scope", subscription));
        assertThat(assignment.path("properties").path("policyDefinitionId").asText())
                .endsWith("/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c");
        String token = server.adminToken();
        String storage = subscription + "/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/";
        TestServer.Answer refused = server.call("PUT", storage + "steastus?api-version=2023-01-01", token,
                "{\"location\":\"eastus\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("RequestDisallowedByPolicy");
        assertThat(refused.message()).contains("only-japan").contains("Allowed locations").contains("eastus");
        assertThat(server.call("GET", storage + "steastus?api-version=2023-01-01", token, (String) null).status())
                .isEqualTo(404);
        assertThat(server.call("PUT", storage + "stjapan?api-version=2023-01-01", token,
                "{\"location\":\"japaneast\"}").status()).isEqualTo(201);
        assertThat(admin.ok("policy", "assignment", "list", "--scope", subscription, "--query", "[].name", "-o", "tsv"))
                .contains("only-japan");
        Cli.Result badParameters = admin.run("policy", "assignment", "create", "--name", "p2", "--policy",
                "Allowed locations", "--params", "{\"listOfAllowedLocations\":{\"value\":\"japaneast\"}}", "--scope", subscription);
        assertThat(badParameters.exitCode()).isEqualTo(1);
        assertThat(badParameters.err()).contains("InvalidPolicyParameters").contains("non-empty array");
    }

    @Test
    @Order(6)
    void resourcesAreListedFilteredShownAndDeletedById() {
        String list = admin.ok("resource", "list", "-g", "rg1", "--resource-type", "Microsoft.Storage/storageAccounts",
                "--query", "[].name", "-o", "tsv");
        assertThat(list.lines().toList()).containsExactly("stjapan");
        String id = "/subscriptions/" + server.subscriptionId()
                + "/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/stjapan";
        assertThat(admin.ok("resource", "show", "--ids", id, "--query", "location", "-o", "tsv").strip()).isEqualTo("japaneast");
        admin.ok("resource", "delete", "--ids", id);
        assertThat(admin.run("resource", "show", "--ids", id).exitCode()).isEqualTo(3);
    }

    @Test
    @Order(7)
    void adminAddsUsersTenantsAndSubscriptions() {
        JsonNode user = Json.parse(admin.ok("ad", "user", "create", "--display-name", "Alice", "--user-principal-name",
                "alice@contoso.com", "--password", "Alice-pa55word"));
        assertThat(user.path("userPrincipalName").asText()).isEqualTo("alice@contoso.com");
        JsonNode tenant = Json.parse(admin.ok("account", "tenant", "create", "--display-name", "Contoso"));
        assertThat(tenant.path("displayName").asText()).isEqualTo("Contoso");
        JsonNode subscription = Json.parse(admin.ok("account", "create", "--display-name", "second",
                "--tenant-id", tenant.path("tenantId").asText()));
        assertThat(subscription.path("tenantId").asText()).isEqualTo(tenant.path("tenantId").asText());
        assertThat(admin.ok("account", "list", "--query", "[].name", "-o", "tsv")).contains("second");
        admin.ok("account", "set", "-s", "second");
        assertThat(admin.ok("account", "show", "--query", "id", "-o", "tsv").strip())
                .isEqualTo(subscription.path("subscriptionId").asText());
        admin.ok("account", "set", "-s", server.subscriptionId());
        Cli alice = new Cli(temporary.resolve("alice-config"));
        alice.ok("login", "--server", server.url(), "-u", "alice@contoso.com", "-p", "Alice-pa55word",
                "--data-dir", server.dataDirectory().toString(), "--allow-no-subscriptions", "-o", "none");
        assertThat(alice.ok("account", "list", "-o", "json").strip()).isEqualTo("[]");
    }

    @Test
    @Order(8)
    void defaultsOutputFormatsAndAccessTokens() {
        admin.ok("configure", "--defaults", "group=rg1", "workspace=mlw");
        assertThat(admin.ok("group", "show", "--query", "name", "-o", "tsv").strip()).isEqualTo("rg1");
        assertThat(admin.ok("configure", "--list-defaults", "--query", "[?name=='workspace'].value", "-o", "tsv").strip())
                .isEqualTo("mlw");
        JsonNode token = Json.parse(admin.ok("account", "get-access-token"));
        assertThat(token.path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(token.path("accessToken").asText().split("\\.")).hasSize(3);
        assertThat(token.path("subscription").asText()).isEqualTo(server.subscriptionId());
        assertThat(admin.ok("group", "show", "-n", "rg1", "-o", "none")).isEmpty();
        assertThat(admin.ok("vm", "list-sizes", "-l", "japaneast", "-o", "table")).contains("Standard_DS3_v2")
                .contains("standardNCSv3Family");
        Cli.Result badQuery = admin.run("group", "list", "--query", "[?name==");
        assertThat(badQuery.exitCode()).isEqualTo(2);
        assertThat(badQuery.err()).contains("--query");
        Cli.Result badFormat = admin.run("group", "list", "-o", "xml");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err()).contains("invalid choice: 'xml'");
        Cli.Result unknownCommand = admin.run("group", "explode");
        assertThat(unknownCommand.exitCode()).isEqualTo(2);
        assertThat(admin.ok("--version")).startsWith("amlite ");
    }

    @Test
    @Order(9)
    void groupDeleteWaitsForTheLongRunningOperation() {
        admin.ok("group", "create", "-n", "doomed", "-l", "japaneast", "-o", "none");
        Cli.Result withoutYes = admin.run("group", "delete", "-n", "doomed");
        assertThat(withoutYes.exitCode()).isEqualTo(1);
        assertThat(withoutYes.err()).contains("--yes");
        admin.ok("group", "delete", "-n", "doomed", "--yes");
        assertThat(admin.ok("group", "exists", "-n", "doomed").strip()).isEqualTo("false");
    }
}
