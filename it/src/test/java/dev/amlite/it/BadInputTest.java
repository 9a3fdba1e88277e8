package dev.amlite.it;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad input answers with ARM's code, a message saying what is allowed, and changes nothing. */
class BadInputTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static String token;
    static String groups;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        token = server.adminToken();
        groups = "/subscriptions/" + server.subscriptionId() + "/resourcegroups/";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertNoGroup(String name) throws Exception {
        assertThat(server.call("GET", groups + name + "?api-version=2022-09-01", token, (String) null).status())
                .isEqualTo(404);
    }

    @Test
    void missingAndUnknownApiVersions() throws Exception {
        TestServer.Answer missing = server.call("PUT", groups + "g1", token, "{\"location\":\"japaneast\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.code()).isEqualTo("MissingApiVersionParameter");
        assertThat(missing.message()).contains("api-version");
        TestServer.Answer unknown = server.call("PUT", groups + "g1?api-version=2031-01-01", token, "{\"location\":\"japaneast\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("InvalidApiVersionParameter");
        assertThat(unknown.message()).contains("'2031-01-01'").contains("2022-09-01");
        assertNoGroup("g1");
    }

    @Test
    void malformedJsonAndWrongShapes() throws Exception {
        TestServer.Answer malformed = server.call("PUT", groups + "g2?api-version=2022-09-01", token, "{\"location\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("InvalidRequestContent");
        assertThat(malformed.message()).contains("line 1");
        TestServer.Answer array = server.call("PUT", groups + "g2?api-version=2022-09-01", token, "[1,2]");
        assertThat(array.code()).isEqualTo("InvalidRequestContent");
        assertThat(array.message()).contains("JSON object");
        TestServer.Answer tags = server.call("PUT", groups + "g2?api-version=2022-09-01", token,
                "{\"location\":\"japaneast\",\"tags\":[\"a\"]}");
        assertThat(tags.code()).isEqualTo("InvalidRequestContent");
        assertNoGroup("g2");

        server.call("PUT", groups + "holder?api-version=2022-09-01", token, "{\"location\":\"japaneast\"}");
        TestServer.Answer properties = server.call("PUT", groups + "holder/providers/Microsoft.Storage/storageAccounts/"
                + "st1?api-version=2023-01-01", token, "{\"location\":\"japaneast\",\"properties\":\"fast\"}");
        assertThat(properties.status()).isEqualTo(400);
        assertThat(properties.code()).isEqualTo("InvalidRequestContent");
        assertThat(properties.message()).contains("'properties' must be a JSON object");
        TestServer.Answer unknownType = server.call("PUT", groups + "holder/providers/Microsoft.Storage/teapots/"
                + "t1?api-version=2023-01-01", token, "{\"location\":\"japaneast\"}");
        assertThat(unknownType.code()).isEqualTo("InvalidResourceType");
        assertThat(unknownType.message()).contains("'teapots'").contains("Microsoft.Storage");
        TestServer.Answer unknownNamespace = server.call("PUT", groups + "holder/providers/Contoso.Widgets/things/"
                + "t1?api-version=2023-01-01", token, "{\"location\":\"japaneast\"}");
        assertThat(unknownNamespace.code()).isEqualTo("InvalidResourceNamespace");
    }

    @Test
    void namesWithSpacesOrNonAsciiCharacters() throws Exception {
        TestServer.Answer space = server.call("PUT", groups + "my%20group?api-version=2022-09-01", token,
                "{\"location\":\"japaneast\"}");
        assertThat(space.status()).isEqualTo(400);
        assertThat(space.code()).isEqualTo("InvalidResourceName");
        assertThat(space.message()).contains("ASCII letters, digits").contains("space at position 3");
        TestServer.Answer kana = server.call("PUT", groups + "%E3%83%86%E3%82%B9%E3%83%88?api-version=2022-09-01", token,
                "{\"location\":\"japaneast\"}");
        assertThat(kana.code()).isEqualTo("InvalidResourceName");
        assertThat(kana.message()).contains("non-ASCII character 'テ'").contains("kana or kanji");
        assertNoGroup("my%20group");
    }

    @Test
    void groupInAnUnknownRegion() throws Exception {
        TestServer.Answer answer = server.call("PUT", groups + "g3?api-version=2022-09-01", token, "{\"location\":\"mars\"}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("LocationNotAvailableForResourceGroup");
        assertThat(answer.message()).contains("'mars'").contains("japaneast").contains("westeurope");
        assertNoGroup("g3");
        TestServer.Answer missing = server.call("PUT", groups + "g3?api-version=2022-09-01", token, "{}");
        assertThat(missing.message()).contains("'location' property is required");
    }

    @Test
    void bodyOverTheManagementLimit() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        TestServer.Answer answer = server.call("PUT", groups + "g4?api-version=2022-09-01", token, body);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.code()).isEqualTo("RequestEntityTooLarge");
        assertThat(answer.message()).contains("4194304 bytes");
        assertNoGroup("g4");
    }

    @Test
    void missingForgedAndMalformedTokens() throws Exception {
        TestServer.Answer none = server.call("GET", groups + "?api-version=2022-09-01", null, (String) null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("AuthenticationFailed");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]));
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("\"admin\"", "\"mallory\"").getBytes());
        TestServer.Answer forged = server.call("GET", groups + "?api-version=2022-09-01",
                parts[0] + "." + forgedPayload + "." + parts[2], (String) null);
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.code()).isEqualTo("InvalidAuthenticationToken");
        assertThat(forged.message()).contains("signature");
        TestServer.Answer garbage = server.call("GET", groups + "?api-version=2022-09-01", "not-a-jwt", (String) null);
        assertThat(garbage.code()).isEqualTo("InvalidAuthenticationToken");
    }

    @Test
    void expiredTokensAreRefusedAndRefreshTokensRenewThem() throws Exception {
        try (TestServer shortLived = TestServer.start(temporary.resolve("short"), "--token-lifetime", "2s")) {
            TestServer.Answer login = shortLived.form("/organizations/oauth2/v2.0/token",
                    "grant_type=password&username=admin&password=" + TestServer.ADMIN_PASSWORD);
            String access = login.body().path("access_token").asText();
            String refresh = login.body().path("refresh_token").asText();
            String path = "/subscriptions/" + shortLived.subscriptionId() + "/resourcegroups?api-version=2022-09-01";
            assertThat(shortLived.call("GET", path, access, (String) null).status()).isEqualTo(200);
            Thread.sleep(2500);
            TestServer.Answer expired = shortLived.call("GET", path, access, (String) null);
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.code()).isEqualTo("ExpiredAuthenticationToken");
            assertThat(expired.message()).contains("expiry");
            TestServer.Answer renewed = shortLived.form("/organizations/oauth2/v2.0/token",
                    "grant_type=refresh_token&refresh_token=" + refresh);
            assertThat(renewed.status()).isEqualTo(200);
            assertThat(shortLived.call("GET", path, renewed.body().path("access_token").asText(), (String) null).status())
                    .isEqualTo(200);
            TestServer.Answer refreshAsAccess = shortLived.call("GET", path, refresh, (String) null);
            assertThat(refreshAsAccess.status()).isEqualTo(401);
        }
    }

    @Test
    void roleAssignmentToAMissingPrincipalOrRole() throws Exception {
        String scope = "/subscriptions/" + server.subscriptionId();
        String assignment = scope + "/providers/Microsoft.Authorization/roleAssignments/"
                + java.util.UUID.randomUUID() + "?api-version=2022-04-01";
        TestServer.Answer missingPrincipal = server.call("PUT", assignment, token, "{\"properties\":{\"roleDefinitionId\":\""
                + scope + "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7\","
                + "\"principalId\":\"00000000-0000-0000-0000-000000000001\"}}");
        assertThat(missingPrincipal.status()).isEqualTo(400);
        assertThat(missingPrincipal.code()).isEqualTo("PrincipalNotFound");
        assertThat(missingPrincipal.message()).contains("does not exist in the directory");
        String adminId = server.call("GET", "/v1.0/me", token, (String) null).body().path("id").asText();
        TestServer.Answer missingRole = server.call("PUT", assignment, token, "{\"properties\":{\"roleDefinitionId\":\""
                + scope + "/providers/Microsoft.Authorization/roleDefinitions/11111111-1111-1111-1111-111111111111\","
                + "\"principalId\":\"" + adminId + "\"}}");
        assertThat(missingRole.code()).isEqualTo("RoleDefinitionDoesNotExist");
        assertThat(server.call("GET", scope + "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01",
                token, (String) null).body().path("value").toString()).doesNotContain("00000000-0000-0000-0000-000000000001");
    }

    @Test
    void unknownGrantAndWrongPasswordAtTheTokenEndpoint() throws Exception {
        TestServer.Answer grant = server.form("/organizations/oauth2/v2.0/token", "grant_type=implicit");
        assertThat(grant.status()).isEqualTo(400);
        assertThat(grant.body().path("error").asText()).isEqualTo("unsupported_grant_type");
        TestServer.Answer wrong = server.form("/organizations/oauth2/v2.0/token",
                "grant_type=password&username=admin&password=nope");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(wrong.body().path("error_description").asText()).contains("AADSTS50126");
    }
}
