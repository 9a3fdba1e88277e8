package dev.amlite.control.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.HttpSupport;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Principal;
import dev.amlite.store.PrincipalKind;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * A Microsoft Graph-shaped directory API under {@code /v1.0}: users and service principals. Creating users and
 * deleting principals needs {@code Microsoft.Directory/*} rights at the root scope (the admin's Owner role);
 * any signed-in user may register a service principal, as Azure AD allows by default. Secrets appear once, in
 * the answer that creates them.
 */
public final class DirectoryApi implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryApi.class);
    private static final Pattern EQ_FILTER = Pattern.compile("(?i)\\s*(userPrincipalName|displayName|appId|id)\\s+eq\\s+'([^']*)'\\s*");
    private static final long MAX_BODY = 64 * 1024;
    private final Directory directory;
    private final TokenService tokens;
    private final Authorizer authorizer;
    private final Duration defaultSecretValidity;

    public DirectoryApi(Directory directory, TokenService tokens, Authorizer authorizer, Duration defaultSecretValidity) {
        this.directory = requireNonNull(directory, "directory is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.defaultSecretValidity = requireNonNull(defaultSecretValidity, "defaultSecretValidity is null");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/me", guarded(this::me))
                .get("/users", guarded(this::listUsers))
                .post("/users", guarded(this::createUser))
                .get("/users/{id}", guarded(this::getUser))
                .delete("/users/{id}", guarded(this::deletePrincipal))
                .get("/servicePrincipals", guarded(this::listServicePrincipals))
                .post("/servicePrincipals", guarded(this::createServicePrincipal))
                .get("/servicePrincipals/{id}", guarded(this::getServicePrincipal))
                .delete("/servicePrincipals/{id}", guarded(this::deletePrincipal))
                .post("/servicePrincipals/{id}/addPassword", guarded(this::addPassword));
    }

    private interface Endpoint {
        void handle(Caller caller, ServerRequest request, ServerResponse response);
    }

    /** Authentication and error mapping for every directory route, in one place. */
    private Handler guarded(Endpoint endpoint) {
        return (request, response) -> {
            try {
                endpoint.handle(tokens.verifyAuthorization(request.headers().first(HttpSupport.AUTHORIZATION)),
                        request, response);
            } catch (ArmException e) {
                ObjectNode body = Json.object();
                body.set("error", Json.MAPPER.valueToTree(e.toError()));
                HttpSupport.sendJson(response, e.httpStatus(), body);
            } catch (RuntimeException e) {
                LOG.error("Directory request {} failed", request.path().rawPath(), e);
                ObjectNode body = Json.object();
                body.putObject("error").put("code", "InternalServerError").put("message", "The directory request failed.");
                HttpSupport.sendJson(response, 500, body);
            }
        };
    }

    private void me(Caller caller, ServerRequest request, ServerResponse response) {
        Principal principal = directory.principal(caller.objectId()).orElseThrow(() -> notFound(caller.objectId()));
        HttpSupport.sendJson(response, 200, present(principal));
    }

    private void listUsers(Caller caller, ServerRequest request, ServerResponse response) {
        list(caller, request, response, PrincipalKind.User);
    }

    private void listServicePrincipals(Caller caller, ServerRequest request, ServerResponse response) {
        list(caller, request, response, PrincipalKind.ServicePrincipal);
    }

    private void list(Caller caller, ServerRequest request, ServerResponse response, PrincipalKind kind) {
        String filter = request.query().contains("$filter") ? request.query().get("$filter") : null;
        String field = null;
        String value = null;
        if (filter != null) {
            Matcher matcher = EQ_FILTER.matcher(filter);
            if (!matcher.matches()) {
                throw new ArmException(ErrorCode.Request_BadRequest, "The $filter '" + filter + "' is not supported. "
                        + "Use userPrincipalName, displayName, appId or id with eq, e.g. displayName eq 'ci-bot'.");
            }
            field = matcher.group(1).toLowerCase();
            value = matcher.group(2);
        }
        String wantedField = field;
        String wantedValue = value;
        List<ObjectNode> items = directory.store().list(caller.tenantId(), kind).stream()
                .filter(principal -> wantedField == null || switch (wantedField) {
                    case "displayname" -> principal.displayName().equalsIgnoreCase(wantedValue);
                    case "id" -> principal.objectId().equalsIgnoreCase(wantedValue);
                    default -> principal.signInName().equalsIgnoreCase(wantedValue);
                })
                .map(DirectoryApi::present).toList();
        ObjectNode body = Json.object();
        body.putArray("value").addAll(items);
        HttpSupport.sendJson(response, 200, body);
    }

    private void createUser(Caller caller, ServerRequest request, ServerResponse response) {
        requireDirectoryRight(caller, "Microsoft.Directory/users/write");
        JsonNode body = body(request);
        String tenant = body.path("tenantId").asText(caller.tenantId());
        Principal user = directory.createUser(tenant, body.path("displayName").asText(null),
                body.path("userPrincipalName").asText(null), body.path("passwordProfile").path("password").asText(null));
        LOG.info("User {} ({}) created by {}", user.signInName(), user.objectId(), caller.signInName());
        HttpSupport.sendJson(response, 201, present(user));
    }

    private void createServicePrincipal(Caller caller, ServerRequest request, ServerResponse response) {
        if (caller.kind() != PrincipalKind.User) {
            requireDirectoryRight(caller, "Microsoft.Directory/servicePrincipals/write");
        }
        JsonNode body = body(request);
        Directory.NewServicePrincipal created = directory.createServicePrincipal(caller.tenantId(),
                body.path("displayName").asText(null), defaultSecretValidity);
        LOG.info("Service principal {} ({}) created by {}", created.principal().displayName(),
                created.principal().signInName(), caller.signInName());
        ObjectNode answer = present(created.principal());
        ObjectNode credential = answer.putArray("passwordCredentials").addObject();
        credential.put("secretText", created.secret());
        credential.put("endDateTime", created.secretExpiresAt().toString());
        HttpSupport.sendJson(response, 201, answer);
    }

    private void addPassword(Caller caller, ServerRequest request, ServerResponse response) {
        requireDirectoryRight(caller, "Microsoft.Directory/servicePrincipals/write");
        Principal principal = find(request, PrincipalKind.ServicePrincipal);
        JsonNode body = request.content().hasEntity() ? body(request) : Json.object();
        Duration validity = defaultSecretValidity;
        if (body.path("passwordCredential").hasNonNull("endDateTime")) {
            validity = Duration.between(java.time.Instant.now(),
                    java.time.Instant.parse(body.path("passwordCredential").path("endDateTime").asText()));
        }
        Directory.NewSecret secret = directory.addSecret(principal.objectId(), validity);
        ObjectNode answer = Json.object();
        answer.put("keyId", secret.secretId());
        answer.put("secretText", secret.secret());
        answer.put("hint", secret.hint());
        answer.put("endDateTime", secret.expiresAt().toString());
        HttpSupport.sendJson(response, 200, answer);
    }

    private void getUser(Caller caller, ServerRequest request, ServerResponse response) {
        HttpSupport.sendJson(response, 200, present(find(request, PrincipalKind.User)));
    }

    private void getServicePrincipal(Caller caller, ServerRequest request, ServerResponse response) {
        HttpSupport.sendJson(response, 200, present(find(request, PrincipalKind.ServicePrincipal)));
    }

    private void deletePrincipal(Caller caller, ServerRequest request, ServerResponse response) {
        requireDirectoryRight(caller, "Microsoft.Directory/principals/delete");
        String id = request.path().pathParameters().get("id");
        Optional<Principal> principal = directory.principal(id);
        if (principal.isEmpty()) {
            throw notFound(id);
        }
        if (principal.get().objectId().equals(caller.objectId())) {
            throw new ArmException(ErrorCode.Request_BadRequest, "You cannot delete the principal you are signed in as.");
        }
        directory.delete(principal.get().objectId());
        LOG.info("Principal {} deleted by {}", principal.get().signInName(), caller.signInName());
        response.status(204).send();
    }

    private Principal find(ServerRequest request, PrincipalKind kind) {
        String id = request.path().pathParameters().get("id");
        return directory.principal(id).filter(p -> p.kind() == kind).orElseThrow(() -> notFound(id));
    }

    private void requireDirectoryRight(Caller caller, String action) {
        if (!authorizer.allows(caller.objectId(), action, ResourceId.ROOT)) {
            throw new ArmException(ErrorCode.Authorization_RequestDenied, "Insufficient privileges to complete the "
                    + "operation: '" + caller.signInName() + "' needs '" + action + "' at the root scope '/' "
                    + "(e.g. the Owner role there).");
        }
    }

    private static JsonNode body(ServerRequest request) {
        String text = HttpSupport.readText(request, MAX_BODY);
        if (text == null || text.isBlank()) {
            throw new ArmException(ErrorCode.Request_BadRequest, "A JSON body is required.");
        }
        JsonNode body = Json.parse(text);
        if (!body.isObject()) {
            throw new ArmException(ErrorCode.Request_BadRequest, "The body must be a JSON object.");
        }
        return body;
    }

    private static ArmException notFound(String id) {
        return new ArmException(ErrorCode.Request_ResourceNotFound, "Resource '" + id + "' does not exist or one of "
                + "its queried reference-property objects are not present.");
    }

    static ObjectNode present(Principal principal) {
        ObjectNode node = Json.object();
        node.put("id", principal.objectId());
        node.put("displayName", principal.displayName());
        if (principal.kind() == PrincipalKind.User) {
            node.put("userPrincipalName", principal.signInName());
            node.put("accountEnabled", true);
        } else {
            node.put("appId", principal.signInName());
            node.put("servicePrincipalType", "Application");
            node.put("appOwnerOrganizationId", principal.tenantId());
        }
        node.put("tenantId", principal.tenantId());
        node.put("createdDateTime", principal.createdAt().toString());
        return node;
    }
}
