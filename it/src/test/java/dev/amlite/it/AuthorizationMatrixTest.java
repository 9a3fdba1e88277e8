package dev.amlite.it;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Owner, Contributor, Reader and an unassigned user, each assigned at subscription scope and at group scope,
 * against read, write, delete and role-assign at both scopes. Each cell is a real request with the user's token.
 */
class AuthorizationMatrixTest {
    private static final String OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    private static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    private static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    private static final List<String> ROLES = List.of("Owner", "Contributor", "Reader", "None");
    @TempDir
    static Path temporary;
    static TestServer server;
    static String admin;
    static String subscription;
    static final Map<String, String> tokens = new LinkedHashMap<>();
    static final Map<String, String> objectIds = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        admin = server.adminToken();
        subscription = "/subscriptions/" + server.subscriptionId();
        server.call("PUT", subscription + "/resourcegroups/target?api-version=2022-09-01", admin, "{\"location\":\"japaneast\"}");
        for (String scopeKind : List.of("sub", "group")) {
            for (String role : ROLES) {
                String user = role.toLowerCase() + "-" + scopeKind;
                TestServer.Answer created = server.call("POST", "/v1.0/users", admin, "{\"displayName\":\"" + user
                        + "\",\"userPrincipalName\":\"" + user + "\",\"passwordProfile\":{\"password\":\"Pa55word-" + user + "\"}}");
                String objectId = created.body().path("id").asText();
                objectIds.put(user, objectId);
                String roleId = switch (role) {
                    case "Owner" -> OWNER;
                    case "Contributor" -> CONTRIBUTOR;
                    case "Reader" -> READER;
                    default -> null;
                };
                if (roleId != null) {
                    String scope = scopeKind.equals("sub") ? subscription : subscription + "/resourceGroups/target";
                    TestServer.Answer assigned = server.call("PUT", scope + "/providers/Microsoft.Authorization/roleAssignments/"
                            + UUID.randomUUID() + "?api-version=2022-04-01", admin, "{\"properties\":{\"roleDefinitionId\":\""
                            + subscription + "/providers/Microsoft.Authorization/roleDefinitions/" + roleId
                            + "\",\"principalId\":\"" + objectId + "\"}}");
                    assertThat(assigned.status()).isEqualTo(201);
                }
                tokens.put(user, server.token(user, "Pa55word-" + user));
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static java.util.stream.Stream<Arguments> cells() {
        java.util.stream.Stream.Builder<Arguments> cells = java.util.stream.Stream.builder();
        for (String assignedAt : List.of("sub", "group")) {
            for (String role : ROLES) {
                for (String operationScope : List.of("sub", "group")) {
                    for (String operation : List.of("read", "write", "delete", "role-assign")) {
                        cells.add(Arguments.of(role, assignedAt, operation, operationScope, expected(role, assignedAt,
                                operation, operationScope)));
                    }
                }
            }
        }
        return cells.build();
    }

    /** The rule under test: the role's actions, inherited downward only. */
    static boolean expected(String role, String assignedAt, String operation, String operationScope) {
        boolean inScope = assignedAt.equals("sub") || operationScope.equals("group");
        if (!inScope || role.equals("None")) {
            return false;
        }
        return switch (role) {
            case "Owner" -> true;
            case "Contributor" -> !operation.equals("role-assign");
            default -> operation.equals("read");
        };
    }

    @ParameterizedTest(name = "{0} at {1}: {2} at {3} -> allowed={4}")
    @MethodSource("cells")
    void cell(String role, String assignedAt, String operation, String operationScope, boolean allowed) throws Exception {
        String user = role.toLowerCase() + "-" + assignedAt;
        String token = tokens.get(user);
        String scope = operationScope.equals("sub") ? subscription : subscription + "/resourceGroups/target";
        String unique = "r" + UUID.randomUUID().toString().substring(0, 8);
        TestServer.Answer answer = switch (operation) {
            case "read" -> server.call("GET", scope + (operationScope.equals("sub") ? "/resourcegroups" : "")
                    + "?api-version=2022-09-01", token, (String) null);
            case "write" -> operationScope.equals("sub")
                    ? server.call("PUT", subscription + "/resourcegroups/" + unique + "?api-version=2022-09-01", token,
                    "{\"location\":\"japaneast\"}")
                    : server.call("PUT", scope + "/providers/Microsoft.Storage/storageAccounts/" + unique
                    + "?api-version=2023-01-01", token, "{\"location\":\"japaneast\"}");
            case "delete" -> {
                String victim = operationScope.equals("sub") ? subscription + "/resourcegroups/" + unique
                        + "?api-version=2022-09-01"
                        : scope + "/providers/Microsoft.Storage/storageAccounts/" + unique + "?api-version=2023-01-01";
                assertThat(server.call("PUT", victim, admin, "{\"location\":\"japaneast\"}").status()).isEqualTo(201);
                yield server.call("DELETE", victim, token, (String) null);
            }
            default -> {
                String assignee = server.call("POST", "/v1.0/users", admin, "{\"displayName\":\"" + unique
                        + "\",\"userPrincipalName\":\"" + unique + "\",\"passwordProfile\":{\"password\":\"Pa55word-x\"}}")
                        .body().path("id").asText();
                yield server.call("PUT", scope + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID()
                    + "?api-version=2022-04-01", token, "{\"properties\":{\"roleDefinitionId\":\"" + subscription
                    + "/providers/Microsoft.Authorization/roleDefinitions/" + READER + "\",\"principalId\":\""
                    + assignee + "\"}}");
            }
        };
        if (allowed) {
            assertThat(answer.status()).as(answer.body() == null ? "" : answer.body().toString()).isBetween(200, 299);
        } else {
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.code()).isEqualTo("AuthorizationFailed");
            assertThat(answer.message()).contains(objectIds.get(user)).contains(scope);
        }
    }
}
