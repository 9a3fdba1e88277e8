package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.catalog.ProviderInfo;
import dev.amlite.control.identity.Caller;
import dev.amlite.control.identity.TokenService;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.throttle.Throttle;
import dev.amlite.core.ArmException;
import dev.amlite.core.ArmPath;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * The ARM front door: every management request passes here. It parses the resource path, checks api-version,
 * authenticates the bearer token, throttles per principal, authorises the action at its scope, dispatches to the
 * type's handler and maps every error to ARM's envelope. Handlers never see an unauthenticated request.
 */
public final class FrontDoor implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
    /** Tries of a write overtaken by others on the same resource; each pass reads it again. */
    private static final int WRITE_ATTEMPTS = 8;

    private final TokenService tokens;
    private final Authorizer authorizer;
    private final Throttle throttle;
    private final Catalog catalog;
    private final HandlerRegistry handlers;
    private final MeterRegistry meters;
    private final long maxBodyBytes;
    private final Function<ResourceId, Optional<String>> etags;
    private final ListPages pages;

    /** {@code etags} gives a resource's current etag (empty when it does not exist), for If-Match and If-None-Match. */
    public FrontDoor(TokenService tokens, Authorizer authorizer, Throttle throttle, Catalog catalog,
                     HandlerRegistry handlers, MeterRegistry meters, long maxBodyBytes,
                     Function<ResourceId, Optional<String>> etags, ListPages pages) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.handlers = requireNonNull(handlers, "handlers is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.maxBodyBytes = maxBodyBytes;
        this.etags = requireNonNull(etags, "etags is null");
        this.pages = requireNonNull(pages, "pages is null");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::handle);
    }

    void handle(ServerRequest request, ServerResponse response) {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        String method = request.prologue().method().text().toUpperCase(Locale.ROOT);
        String correlationId = request.headers().first(HttpSupport.CORRELATION_ID).orElse(requestId);
        response.header("x-ms-request-id", requestId);
        response.header("x-ms-correlation-request-id", correlationId);
        ArmResponse answer;
        String outcome;
        try {
            answer = process(request, response, method, requestId);
            outcome = "ok";
        } catch (ArmException e) {
            answer = errorResponse(e);
            outcome = e.code().name();
            if (e.httpStatus() == 401) {
                answer = answer.withHeader("WWW-Authenticate", "Bearer authorization_uri=\"" + HttpSupport.baseUrl(request)
                        + "/common/oauth2/authorize\", error=\"invalid_token\", error_description=\""
                        + e.getMessage().replace("\"", "'") + "\"");
            }
            if (e.code() == ErrorCode.TooManyRequests) {
                answer = answer.withHeader("Retry-After", e.getMessage().replaceAll(".*retry after (\\d+) second.*", "$1"));
            }
        } catch (RuntimeException e) {
            LOG.error("Request {} {} {} failed", requestId, method, request.path().rawPath(), e);
            answer = errorResponse(new ArmException(ErrorCode.InternalServerError, "The server failed to process "
                    + "the request. Quote request id '" + requestId + "' to the operator; the server log has details."));
            outcome = "InternalServerError";
        }
        HttpSupport.send(response, answer, method.equals("HEAD"));
        Timer.builder("amlite.arm.requests").tag("method", method).tag("status", Integer.toString(answer.status()))
                .tag("outcome", outcome).register(meters).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} {} -> {} in {} µs", requestId, method, request.path().rawPath(), answer.status(),
                    (System.nanoTime() - started) / 1000);
        }
    }

    private ArmResponse process(ServerRequest request, ServerResponse response, String method, String requestId) {
        HttpSupport.checkContentLength(request, maxBodyBytes);
        ArmPath path = ArmPath.parse(request.path().path());
        Caller caller = authenticate(request);
        Map<String, String> query = HttpSupport.query(request);
        String apiVersion = query.get("api-version");
        Route route = Routes.resolve(method, path);
        checkApiVersion(apiVersion, route);
        boolean isRead = method.equals("GET") || method.equals("HEAD");
        Throttle.Decision decision = throttle.take(caller.objectId(), isRead);
        response.header(isRead ? "x-ms-ratelimit-remaining-subscription-reads"
                : "x-ms-ratelimit-remaining-subscription-writes", Long.toString(decision.remaining()));
        if (!decision.allowed()) {
            throw new ArmException(ErrorCode.TooManyRequests, "Number of " + (isRead ? "read" : "write")
                    + " requests for principal '" + caller.signInName() + "' exceeded the limit of "
                    + (isRead ? throttle.limits().readBurst() + " burst, " + throttle.limits().readsPerSecond()
                    : throttle.limits().writeBurst() + " burst, " + throttle.limits().writesPerSecond())
                    + " per second. Please retry after " + decision.retryAfterSeconds() + " seconds.");
        }
        JsonNode body = HttpSupport.readJson(request, maxBodyBytes);
        if (route.rbacAction() != null) {
            authorizer.check(caller, route.rbacAction(), route.scope());
        }
        // A read's If-None-Match is a cache's (an etag to compare), not a create-only condition: reads ignore both.
        boolean write = route.kind() == Route.RouteKind.RESOURCE
                && (method.equals("PUT") || method.equals("PATCH") || method.equals("DELETE"));
        Preconditions preconditions = write ? new Preconditions(request.headers().first(HeaderNames.IF_MATCH)
                .orElse(null), request.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null)) : Preconditions.NONE;
        if (!preconditions.equals(Preconditions.NONE)) {
            preconditions.check(path.resource(), etags.apply(path.resource()));
        }
        ArmRequest armRequest = new ArmRequest(method, path, apiVersion, body, query, caller, requestId,
                HttpSupport.baseUrl(request), HttpSupport.clientAddress(request), preconditions);
        ResourceTypeHandler handler = handlers.handlerFor(route.handlerType());
        if (route.kind() == Route.RouteKind.COLLECTION) {
            return pages.page(() -> handler.list(armRequest), caller.objectId(),
                    armRequest.baseUrl() + request.path().rawPath(), query);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return dispatch(handler, route, method, armRequest);
            } catch (ArmException e) {
                if (!write || !preconditions.applyAgain(e, path.resource()) || attempt >= WRITE_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("Request {} {} overtaken by another write (attempt {}); applying it again", requestId,
                        path.resource().id(), attempt);
            }
        }
    }

    private static ArmResponse dispatch(ResourceTypeHandler handler, Route route, String method, ArmRequest request) {
        return switch (route.kind()) {
            case COLLECTION -> handler.list(request);
            case ACTION -> handler.action(request, route.actionName());
            case RESOURCE -> switch (method) {
                case "GET" -> handler.get(request);
                case "HEAD" -> handler.head(request);
                case "PUT" -> handler.put(request);
                case "PATCH" -> handler.patch(request);
                case "DELETE" -> handler.delete(request);
                default -> throw new ArmException(ErrorCode.MethodNotAllowed, "The method '" + method
                        + "' is not supported here.");
            };
        };
    }

    private Caller authenticate(ServerRequest request) {
        return tokens.verifyAuthorization(request.headers().first(HttpSupport.AUTHORIZATION));
    }

    private void checkApiVersion(String apiVersion, Route route) {
        if (apiVersion == null || apiVersion.isBlank()) {
            throw new ArmException(ErrorCode.MissingApiVersionParameter,
                    "The api-version query parameter (?api-version=) is required for all requests.");
        }
        ProviderInfo provider = catalog.provider(route.apiNamespace()).orElseThrow(() -> new ArmException(
                ErrorCode.InvalidResourceNamespace, "The resource namespace '" + route.apiNamespace()
                + "' is invalid. Registered namespaces are: " + String.join(", ",
                catalog.providers().stream().map(ProviderInfo::namespace).toList()) + "."));
        if (!provider.acceptsApiVersion(apiVersion)) {
            throw new ArmException(ErrorCode.InvalidApiVersionParameter, "The api-version '" + apiVersion
                    + "' is invalid for namespace '" + provider.namespace() + "'. The supported versions are '"
                    + String.join(",", provider.apiVersions()) + "'.");
        }
    }

    private static ArmResponse errorResponse(ArmException error) {
        var body = Json.object();
        body.set("error", Json.MAPPER.valueToTree(error.toError()));
        return new ArmResponse(error.httpStatus(), body, Map.of());
    }

    static Status status(int code) {
        return Status.create(code);
    }
}
