package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite ad user|sp …}: the built-in directory (RM-8). */
@Command(name = "ad", description = "Manage users and service principals.",
        subcommands = {AdCommands.User.class, AdCommands.ServicePrincipal.class})
final class AdCommands {

    @Command(name = "user", description = "Manage users.",
            subcommands = {User.Create.class, User.ListCommand.class, User.Show.class, User.Delete.class})
    static final class User {
        static final List<Column> COLUMNS = List.of(Column.of("DisplayName", "displayName"),
                Column.of("UserPrincipalName", "userPrincipalName"), Column.of("Id", "id"));

        @Command(name = "create", description = "Create a user.")
        static final class Create extends Leaf {
            @Option(names = "--display-name", required = true, description = "Shown name.")
            String displayName;

            @Option(names = "--user-principal-name", required = true, description = "Sign-in name, e.g. alice@contoso.com.")
            String userPrincipalName;

            @Option(names = "--password", required = true, description = "Initial password (8 to 256 characters).")
            String password;

            @Option(names = "--force-change-password-next-sign-in", description = "Accepted for az compatibility.")
            Boolean forceChange;

            @Override
            JsonNode run(Session session) {
                ObjectNode body = Json.object();
                body.put("accountEnabled", true);
                body.put("displayName", displayName);
                body.put("userPrincipalName", userPrincipalName);
                body.putObject("passwordProfile").put("password", password);
                return session.send("POST", "/v1.0/users", null, body);
            }
        }

        @Command(name = "list", description = "List users of your tenant.")
        static final class ListCommand extends Leaf {
            @Option(names = "--upn", description = "Only the user with this sign-in name.")
            String upn;

            @Option(names = "--display-name", description = "Only users with this display name.")
            String displayName;

            @Override
            JsonNode run(Session session) {
                Map<String, String> query = upn != null ? Map.of("$filter", "userPrincipalName eq '" + upn + "'")
                        : displayName != null ? Map.of("$filter", "displayName eq '" + displayName + "'") : Map.of();
                return session.send("GET", "/v1.0/users", null, query, null).path("value");
            }

            @Override
            List<Column> columns() {
                return COLUMNS;
            }
        }

        @Command(name = "show", description = "Show a user by object id or sign-in name.")
        static final class Show extends Leaf {
            @Option(names = "--id", required = true, description = "Object id or user principal name.")
            String id;

            @Override
            JsonNode run(Session session) {
                return session.send("GET", "/v1.0/users/" + id, null, null);
            }
        }

        @Command(name = "delete", description = "Delete a user.")
        static final class Delete extends Leaf {
            @Option(names = "--id", required = true, description = "Object id or user principal name.")
            String id;

            @Override
            JsonNode run(Session session) {
                session.send("DELETE", "/v1.0/users/" + id, null, null);
                return null;
            }
        }
    }

    @Command(name = "sp", description = "Manage service principals.",
            subcommands = {ServicePrincipal.CreateForRbac.class, ServicePrincipal.ListCommand.class,
                    ServicePrincipal.Show.class, ServicePrincipal.Delete.class, ServicePrincipal.Credential.class})
    static final class ServicePrincipal {
        static final List<Column> COLUMNS = List.of(Column.of("DisplayName", "displayName"), Column.of("AppId", "appId"),
                Column.of("Id", "id"));

        @Command(name = "create-for-rbac", description = "Create a service principal, optionally with a role at scopes.")
        static final class CreateForRbac extends Leaf {
            @Option(names = {"-n", "--name", "--display-name"}, description = "Name (default: amlite-sp-<timestamp>).")
            String name;

            @Option(names = "--role", description = "Role to assign, e.g. Reader or Contributor.")
            String role;

            @Option(names = "--scopes", arity = "1..*", description = "Scopes of the role assignment.")
            List<String> scopes;

            @Option(names = "--years", description = "Years the secret stays valid (default 1).")
            Integer years;

            @Override
            JsonNode run(Session session) {
                if ((role == null) != (scopes == null || scopes.isEmpty())) {
                    throw new CliError("usage error: To create role assignments, specify both --role and --scopes.");
                }
                String displayName = name != null ? name : "amlite-sp-" + java.time.LocalDateTime.now()
                        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss"));
                ObjectNode body = Json.object();
                body.put("displayName", displayName);
                JsonNode created = session.send("POST", "/v1.0/servicePrincipals", null, body);
                String secret = created.path("passwordCredentials").path(0).path("secretText").asText();
                if (years != null) {
                    ObjectNode credential = Json.object();
                    credential.putObject("passwordCredential").put("endDateTime",
                            LocalDate.now().plusYears(years).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
                    secret = session.send("POST", "/v1.0/servicePrincipals/" + created.path("id").asText() + "/addPassword",
                            null, credential).path("secretText").asText();
                }
                if (role != null) {
                    for (String scope : scopes) {
                        RoleCommands.assign(session, scope, Directory.roleDefinitionId(session, scope, role),
                                created.path("id").asText(), "ServicePrincipal");
                    }
                }
                session.warn("The output includes credentials that you must protect. Be sure that you do not include "
                        + "these credentials in your code or check the credentials into your source control.");
                ObjectNode answer = Json.object();
                answer.put("appId", created.path("appId").asText());
                answer.put("displayName", displayName);
                answer.put("password", secret);
                answer.put("tenant", created.path("appOwnerOrganizationId").asText());
                return answer;
            }
        }

        @Command(name = "list", description = "List service principals.")
        static final class ListCommand extends Leaf {
            @Option(names = "--display-name", description = "Only those with this display name.")
            String displayName;

            @Option(names = "--all", description = "Accepted for az compatibility.")
            boolean all;

            @Override
            JsonNode run(Session session) {
                Map<String, String> query = displayName == null ? Map.of()
                        : Map.of("$filter", "displayName eq '" + displayName + "'");
                return session.send("GET", "/v1.0/servicePrincipals", null, query, null).path("value");
            }

            @Override
            List<Column> columns() {
                return COLUMNS;
            }
        }

        @Command(name = "show", description = "Show a service principal by object id or app id.")
        static final class Show extends Leaf {
            @Option(names = "--id", required = true, description = "Object id or app id.")
            String id;

            @Override
            JsonNode run(Session session) {
                return session.send("GET", "/v1.0/servicePrincipals/" + id, null, null);
            }
        }

        @Command(name = "delete", description = "Delete a service principal.")
        static final class Delete extends Leaf {
            @Option(names = "--id", required = true, description = "Object id or app id.")
            String id;

            @Override
            JsonNode run(Session session) {
                session.send("DELETE", "/v1.0/servicePrincipals/" + id, null, null);
                return null;
            }
        }

        @Command(name = "credential", description = "Manage secrets of a service principal.",
                subcommands = {Credential.Reset.class})
        static final class Credential {
            @Command(name = "reset", description = "Add a new secret and print it.")
            static final class Reset extends Leaf {
                @Option(names = "--id", required = true, description = "Object id or app id.")
                String id;

                @Override
                JsonNode run(Session session) {
                    JsonNode principal = session.send("GET", "/v1.0/servicePrincipals/" + id, null, null);
                    JsonNode secret = session.send("POST", "/v1.0/servicePrincipals/" + principal.path("id").asText()
                            + "/addPassword", null, Json.object());
                    ObjectNode answer = Json.object();
                    answer.put("appId", principal.path("appId").asText());
                    answer.put("password", secret.path("secretText").asText());
                    answer.put("tenant", principal.path("appOwnerOrganizationId").asText());
                    return answer;
                }
            }
        }
    }
}
