package dev.amlite.control.endpoints;

import dev.amlite.control.arm.HttpSupport;
import dev.amlite.control.workspace.NetworkGate;
import dev.amlite.core.ResourceId;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * The scoring router (EP-4 … EP-7), mounted at {@code /inference}: {@code POST /{region}/{endpoint}/score}.
 * Authenticates with the endpoint's key or aml_token, sends the request to the deployment the
 * {@code azureml-model-deployment} header pins or else to the next one of the exact weighted split, copies the
 * mirrored share to the shadow deployment without waiting for it, and answers with the deployment that served
 * in the {@code azureml-model-deployment} response header.
 */
public final class ScoringService implements HttpService {
    static final HeaderName DEPLOYMENT = HeaderNames.create("azureml-model-deployment");
    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private final ScoringRoutes routes;
    private final NetworkGate gate;
    private final ServingConfig config;
    private final Clock clock;
    private final Semaphore mirrorSlots;
    private static final long PRIVATE_ACCESS_TTL_NANOS = 5_000_000_000L;
    private final java.util.Map<String, PrivateAccess> privateAccess = new java.util.concurrent.ConcurrentHashMap<>();

    ScoringService(ScoringRoutes routes, NetworkGate gate, ServingConfig config, Clock clock) {
        this.routes = routes;
        this.gate = gate;
        this.config = config;
        this.clock = clock;
        this.mirrorSlots = new Semaphore(config.mirrorCapacity());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{region}/{endpoint}/score", this::score)
                .any("/{region}/{endpoint}/score", (req, res) -> send(res, null, ScoreAnswer.error(405,
                        "MethodNotAllowed", "Scoring takes POST with the input as the body.", null)));
    }

    private void score(ServerRequest request, ServerResponse response) {
        long started = System.nanoTime();
        String requestId = request.headers().first(REQUEST_ID).filter(id -> CLIENT_REQUEST_ID.matcher(id).matches())
                .orElseGet(ScoringService::newRequestId);
        String region = request.path().pathParameters().get("region");
        String endpointName = request.path().pathParameters().get("endpoint");
        Optional<EndpointRoute> found = routes.find(region, endpointName);
        if (found.isEmpty()) {
            send(response, requestId, ScoreAnswer.error(404, "EndpointNotFound", "There is no online endpoint '"
                    + endpointName + "' in region " + region + ". 'amlite ml online-endpoint list' shows the "
                    + "endpoints and their scoring_uri.", null));
            return;
        }
        EndpointRoute route = found.get();
        if (!route.publicAccess()) {
            String address = HttpSupport.clientAddress(request);
            if (!reachesPrivately(route.workspaceId(), address)) {
                send(response, requestId, ScoreAnswer.error(403, "PublicNetworkAccessDisabled", "Public network access "
                        + "to endpoint '" + route.name() + "' is disabled, and this request came from " + address
                        + ", which is not in the subnet of an approved private endpoint of its workspace. Score through "
                        + "the workspace's private endpoint, or enable access ('amlite ml online-endpoint update -n "
                        + route.name() + " --set public_network_access=enabled').", null));
                return;
            }
        }
        ScoreAnswer refused = authenticate(request, route);
        if (refused != null) {
            response.header(WWW_AUTHENTICATE, "Bearer realm=\"" + route.name() + "\"");
            send(response, requestId, refused);
            return;
        }
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > config.maxRequestBody()) {
            send(response, requestId, tooLarge(declared));
            return;
        }
        byte[] body;
        try (InputStream in = request.content().inputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxRequestBody() + 1));
        } catch (IOException | RuntimeException e) {
            send(response, requestId, ScoreAnswer.error(400, "BadRequest", "The request body could not be read: "
                    + e.getMessage(), null));
            return;
        }
        if (body.length > config.maxRequestBody()) {
            send(response, requestId, tooLarge(body.length));
            return;
        }
        if (!route.bandwidth().tryTake(body.length)) {
            send(response, requestId, ScoreAnswer.error(429, "BandwidthQuotaExceeded", "Endpoint '" + route.name()
                    + "' is over its bandwidth quota of " + config.bandwidthPerSecond() / 1_000_000.0 + " MB/s; "
                    + "requests are throttled until it recovers. Retry later.", null));
            return;
        }
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse(ScoreAnswer.JSON);
        Optional<String> pinned = request.headers().first(DEPLOYMENT).map(String::strip).filter(s -> !s.isEmpty());
        DeploymentRuntime target;
        if (pinned.isPresent()) {
            target = route.deployments().get(pinned.get().toLowerCase(Locale.ROOT));
            if (target == null) {
                send(response, requestId, ScoreAnswer.error(404, "DeploymentNotFound", "Endpoint '" + route.name()
                        + "' has no deployment '" + pinned.get() + "' (the azureml-model-deployment header names it). "
                        + "'amlite ml online-deployment list -e " + route.name() + "' shows its deployments.", null));
                return;
            }
        } else {
            String next = route.split().next();
            if (next == null) {
                send(response, requestId, ScoreAnswer.error(404, "NoTrafficDeployment", "No deployment of endpoint '"
                        + route.name() + "' has live traffic. Give one traffic ('amlite ml online-endpoint update -n "
                        + route.name() + " --traffic \"<deployment>=100\"') or name a deployment in the "
                        + "azureml-model-deployment header.", null));
                return;
            }
            target = route.deployments().get(next);
            if (target == null) {
                send(response, requestId, ScoreAnswer.error(503, "DeploymentNotReady", "Deployment '" + next
                        + "' of endpoint '" + route.name() + "' has traffic but is not serving (being created, "
                        + "failed or being deleted). 'amlite ml online-deployment show -n " + next + " -e "
                        + route.name() + "' tells its state.", next));
                return;
            }
            if (route.mirrorTo() != null && route.mirror().take()) {
                mirror(route, body, contentType, requestId);
            }
        }
        ScoreAnswer answer = target.score(body, contentType, requestId, false);
        route.bandwidth().charge(answer.body().length);
        send(response, requestId, answer);
        route.log().add(new RequestLog.Entry(Instant.now(clock), requestId, answer.deployment(), answer.status(),
                (System.nanoTime() - started) / 1e6, false, body.length, answer.body().length));
    }

    /**
     * Sends a copy to the shadow on its own virtual thread; when the shadow is at its in-flight limit or the mirror
     * at its capacity the copy is dropped (and counted), never queued.
     */
    private void mirror(EndpointRoute route, byte[] body, String contentType, String requestId) {
        DeploymentRuntime shadow = route.deployments().get(route.mirrorTo());
        if (shadow == null) {
            return;
        }
        if (!shadow.hasRoom() || !mirrorSlots.tryAcquire()) {
            shadow.metrics().mirrorDropped();
            return;
        }
        Thread.ofVirtual().name("mirror-" + requestId).start(() -> {
            long started = System.nanoTime();
            try {
                ScoreAnswer answer = shadow.score(body, contentType, requestId + "-mirror", true);
                route.log().add(new RequestLog.Entry(Instant.now(clock), requestId, shadow.name(), answer.status(),
                        (System.nanoTime() - started) / 1e6, true, body.length, answer.body().length));
            } finally {
                mirrorSlots.release();
            }
        });
    }

    private record PrivateAccess(boolean allowed, long until) {
    }

    /**
     * The network gate's answer for a client of a private endpoint. A yes is kept for a few seconds so that scoring
     * does not look private endpoints up in the store on every request (removing one takes effect within that
     * time); a no is not kept, so a newly approved private endpoint works at once.
     */
    private boolean reachesPrivately(String workspaceId, String address) {
        String key = workspaceId.toLowerCase(java.util.Locale.ROOT) + "|" + address;
        long now = System.nanoTime();
        PrivateAccess cached = privateAccess.get(key);
        if (cached != null && now - cached.until() < 0) {
            return cached.allowed();
        }
        boolean allowed = gate.reachesPrivately(ResourceId.parse(workspaceId), address);
        if (allowed) {
            if (privateAccess.size() > 10_000) {
                privateAccess.clear();
            }
            privateAccess.put(key, new PrivateAccess(true, now + PRIVATE_ACCESS_TTL_NANOS));
        }
        return allowed;
    }

    /** A random version-4 UUID without SecureRandom: request ids need to be unique, not unpredictable. */
    static String newRequestId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private ScoreAnswer authenticate(ServerRequest request, EndpointRoute route) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return ScoreAnswer.error(401, "Unauthorized", "Scoring endpoint '" + route.name() + "' needs "
                    + "'Authorization: Bearer <" + (route.authMode().equalsIgnoreCase(EndpointRoute.AML_TOKEN)
                    ? "aml_token" : "key") + ">'. 'amlite ml online-endpoint get-credentials -n " + route.name()
                    + "' gives it.", null);
        }
        String credential = header.get().substring(7).strip();
        if (route.authMode().equalsIgnoreCase(EndpointRoute.AML_TOKEN)) {
            return switch (EndpointAuth.checkToken(credential, route.id(), route.credentials(), clock.instant())) {
                case OK -> null;
                case EXPIRED -> ScoreAnswer.error(401, "TokenExpired", "The aml_token has expired. Get a new one "
                        + "with 'amlite ml online-endpoint get-credentials -n " + route.name() + "'.", null);
                case INVALID -> ScoreAnswer.error(401, "Unauthorized", "The token is not valid for endpoint '"
                        + route.name() + "'.", null);
            };
        }
        return EndpointAuth.checkKey(credential.getBytes(StandardCharsets.UTF_8), route.credentials())
                == EndpointAuth.Verdict.OK ? null : ScoreAnswer.error(401, "Unauthorized", "The key is not valid "
                + "for endpoint '" + route.name() + "'.", null);
    }

    private ScoreAnswer tooLarge(long size) {
        return ScoreAnswer.error(413, "RequestEntityTooLarge", "The request body has " + size + " bytes; a scoring "
                + "request may have at most " + config.maxRequestBody() + ".", null);
    }

    private static void send(ServerResponse response, String requestId, ScoreAnswer answer) {
        response.status(Status.create(answer.status()));
        if (requestId != null) {
            response.header(REQUEST_ID, requestId);
        }
        if (answer.deployment() != null) {
            response.header(DEPLOYMENT, answer.deployment());
        }
        response.header(HeaderNames.CONTENT_TYPE, answer.contentType() == null ? ScoreAnswer.JSON : answer.contentType());
        response.send(answer.body());
    }

}
