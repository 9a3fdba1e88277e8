package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Custom roles with wildcards, assignments at resource scope, policy on update, and the CLI's global options. */
class CustomRolesAndScopesTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli admin;
    static String subscription;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        subscription = "/subscriptions/" + server.subscriptionId();
        admin = new Cli(temporary.resolve("admin"));
        admin.ok("login", "--server", server.url(), "-u", "admin", "-p", TestServer.ADMIN_PASSWORD,
                "--ca-file", server.dataDirectory().resolve("tls/server.crt").toString(), "-o", "none");
        admin.ok("group", "create", "-n", "rg", "-l", "japaneast", "-o", "none");
        String token = server.adminToken();
        for (String name : new String[] {"st1", "st2"}) {
            server.call("PUT", subscription + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/" + name
                    + "?api-version=2023-01-01", token, "{\"location\":\"japaneast\",\"tags\":{\"owner\":\"ops\"}}");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void customRoleAssignedOnOneResourceReachesThatResourceOnly() throws Exception {
        JsonNode role = Json.parse(admin.ok("role", "definition", "create", "--role-definition",
                "{\"Name\":\"Storage tagger\",\"Description\":\"tags storage\",\"Actions\":[\"Microsoft.Storage/storageAccounts/*\"],"
                        + "\"NotActions\":[\"Microsoft.Storage/storageAccounts/delete\"],\"AssignableScopes\":[\"" + subscription + "\"]}"));
        assertThat(role.path("properties").path("type").asText()).isEqualTo("CustomRole");
        assertThat(admin.ok("role", "definition", "list", "--custom-role-only", "--query", "[].roleName", "-o", "tsv").strip())
                .isEqualTo("Storage tagger");
        admin.ok("ad", "user", "create", "--display-name", "Bob", "--user-principal-name", "bob@contoso.com",
                "--password", "Bob-pa55word", "-o", "none");
        String st1 = subscription + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1";
        JsonNode assignment = Json.parse(admin.ok("role", "assignment", "create", "--assignee", "bob@contoso.com",
                "--role", "Storage tagger", "--scope", st1));
        assertThat(assignment.path("roleDefinitionName").asText()).isEqualTo("Storage tagger");
        assertThat(assignment.path("scope").asText()).isEqualTo(st1);

        String bob = server.token("bob@contoso.com", "Bob-pa55word");
        String api = "?api-version=2023-01-01";
        assertThat(server.call("PATCH", st1 + api, bob, "{\"tags\":{\"owner\":\"bob\"}}").status()).isEqualTo(200);
        assertThat(server.call("DELETE", st1 + api, bob, (String) null).code()).isEqualTo("AuthorizationFailed");
        assertThat(server.call("PATCH", st1.replace("st1", "st2") + api, bob, "{\"tags\":{\"owner\":\"bob\"}}").status())
                .isEqualTo(403);
        assertThat(server.call("GET", subscription + "/resourcegroups/rg?api-version=2022-09-01", bob, (String) null)
                .status()).as("an assignment on a resource does not reach up to its group").isEqualTo(403);

        admin.ok("role", "assignment", "delete", "--assignee", "bob@contoso.com", "--role", "Storage tagger",
                "--scope", st1);
        assertThat(server.call("PATCH", st1 + api, bob, "{\"tags\":{\"owner\":\"again\"}}").status())
                .as("removing the assignment takes effect at once").isEqualTo(403);
    }

    @Test
    void requireTagPolicyIsEnforcedOnUpdateToo() throws Exception {
        admin.ok("policy", "assignment", "create", "--name", "need-owner", "--policy", "Require a tag on resources",
                "--params", "{\"tagName\":{\"value\":\"owner\"}}", "-g", "rg", "-o", "none");
        String token = server.adminToken();
        String st2 = subscription + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st2?api-version=2023-01-01";
        TestServer.Answer refused = server.call("PATCH", st2, token, "{\"tags\":{}}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("RequestDisallowedByPolicy");
        assertThat(refused.message()).contains("'owner' is required");
        assertThat(server.call("GET", st2, token, (String) null).body().path("tags").path("owner").asText()).isEqualTo("ops");
        assertThat(server.call("PUT", st2.replace("st2", "st3"), token, "{\"location\":\"japaneast\"}").code())
                .isEqualTo("RequestDisallowedByPolicy");
        admin.ok("policy", "assignment", "delete", "--name", "need-owner", "-g", "rg");
        assertThat(server.call("PATCH", st2, token, "{\"tags\":{}}").status()).isEqualTo(200);
    }

    @Test
    void subscriptionOptionVerboseAndQuietOutput() {
        JsonNode second = Json.parse(admin.ok("account", "create", "--display-name", "other"));
        String otherId = second.path("subscriptionId").asText();
        admin.ok("group", "create", "-n", "only-in-other", "-l", "japanwest", "--subscription", "other", "-o", "none");
        assertThat(admin.ok("group", "exists", "-n", "only-in-other").strip()).isEqualTo("false");
        assertThat(admin.ok("group", "exists", "-n", "only-in-other", "--subscription", otherId).strip()).isEqualTo("true");
        Cli.Result unknown = admin.run("group", "list", "--subscription", "nope");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("Subscription 'nope' not recognized");

        Cli.Result verbose = admin.run("group", "show", "-n", "rg", "-o", "none", "--verbose");
        assertThat(verbose.err()).contains("Command ran in");
        Cli.Result debug = admin.run("group", "show", "-n", "rg", "-o", "none", "--debug");
        assertThat(debug.err()).contains("Request: GET").doesNotContain("Bearer ");
        String scope = subscription + "/resourceGroups/rg";
        Cli.Result quiet = admin.run("ad", "sp", "create-for-rbac", "--name", "quiet", "--role", "Reader", "--scopes",
                scope, "--only-show-errors");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.err()).doesNotContain("WARNING");
        Cli.Result usage = admin.run("ad", "sp", "create-for-rbac", "--name", "half", "--role", "Reader");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("specify both --role and --scopes");
    }

    @Test
    void loggedOutCommandsExplainWhatToDo() {
        Cli stranger = new Cli(temporary.resolve("stranger"));
        Cli.Result result = stranger.run("group", "list");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("amlite login");
        Cli.Result untrusted = stranger.run("login", "--server", server.url().replace("localhost", "127.0.0.1"),
                "-u", "admin", "-p", TestServer.ADMIN_PASSWORD, "--data-dir", temporary.resolve("no-such-dir").toString());
        assertThat(untrusted.exitCode()).isEqualTo(1);
        assertThat(untrusted.err()).contains("not trusted").contains("--ca-file");
    }
}
