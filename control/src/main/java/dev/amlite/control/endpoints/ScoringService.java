package dev.amlite.control.endpoints;

import dev.amlite.control.arm.HttpSupport;
import dev.amlite.control.workspace.NetworkGate;
import dev.amlite.core.ResourceId;
import dev.amlite.serving.listener.BodyTooLargeException;
import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.port.ScoringHandler;
import dev.amlite.serving.port.Stages;
import dev.amlite.serving.port.ScoringRequest;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring router (EP-4 … EP-7): {@code POST /inference/{region}/{endpoint}/score} on the scoring port (as its
 * {@link ScoringHandler}, on the port's event loops) and on the main port (as the Helidon service mounted at
 * {@code /inference}), one code path behind both. Authenticates with the endpoint's key or aml_token, sends the
 * request to the deployment the {@code azureml-model-deployment} header pins or else to the next one of the exact
 * weighted split, copies the mirrored share to the shadow deployment once the client has its answer, without
 * waiting for the shadow, and answers with the deployment that served in the {@code azureml-model-deployment}
 * response header. Nothing here blocks the thread it runs on: the one lookup that reads the store (a private
 * endpoint's client not seen lately) runs on a virtual thread.
 */
public final class ScoringService implements HttpService, ScoringHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringService.class);
    static final String DEPLOYMENT_HEADER = "azureml-model-deployment";
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private final ScoringRoutes routes;
    private final NetworkGate gate;
    private final ServingConfig config;
    private final Clock clock;
    private static final long PRIVATE_ACCESS_TTL_NANOS = 5_000_000_000L;
    private final Semaphore mirrorSlots;
    /** Clients of private endpoints let in lately: until when the yes holds (System.nanoTime()). */
    private final Map<String, Long> allowedUntil = new ConcurrentHashMap<>();
    private final ExecutorService lookups = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("scoring-lookup-", 1).factory());

    ScoringService(ScoringRoutes routes, NetworkGate gate, ServingConfig config, Clock clock) {
        this.routes = routes;
        this.gate = gate;
        this.config = config;
        this.clock = clock;
        this.mirrorSlots = new Semaphore(config.mirrorCapacity());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/{region}/{endpoint}/score", (req, res) -> send(res, score(
                req.path().pathParameters().get("region"), req.path().pathParameters().get("endpoint"),
                new HelidonScoringRequest(req)).toCompletableFuture().join()));
    }

    /** The inference port's entry: {@code /inference/{region}/{endpoint}/score}, the same path as on the main port. */
    @Override
    public CompletionStage<InferenceReply> handle(ScoringRequest request) {
        String[] segments = request.path().split("/", -1);
        if (segments.length != 5 || !segments[0].isEmpty() || !segments[1].equals("inference")
                || !segments[4].equals("score") || segments[2].isEmpty() || segments[3].isEmpty()) {
            return done(reply(null, ScoreAnswer.error(404, "NotFound", "No such path " + request.path() + ". Score "
                    + "with POST /inference/{region}/{endpoint}/score (the endpoint's scoring_uri).", null), null));
        }
        return score(segments[2], segments[3], request);
    }

    private static CompletionStage<InferenceReply> done(InferenceReply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    CompletionStage<InferenceReply> score(String region, String endpointName, ScoringRequest request) {
        long started = System.nanoTime();
        String clientId = request.header("x-request-id");
        String requestId = clientId != null && CLIENT_REQUEST_ID.matcher(clientId).matches() ? clientId
                : newRequestId();
        if (!request.method().equals("POST")) {
            return done(reply(requestId, ScoreAnswer.error(405, "MethodNotAllowed", "Scoring takes POST with the input "
                    + "as the body.", null), null));
        }
        Optional<EndpointRoute> found = routes.find(region, endpointName);
        if (found.isEmpty()) {
            return done(reply(requestId, ScoreAnswer.error(404, "EndpointNotFound", "There is no online endpoint '"
                    + endpointName + "' in region " + region + ". 'amlite ml online-endpoint list' shows the "
                    + "endpoints and their scoring_uri.", null), null));
        }
        EndpointRoute route = found.get();
        if (route.publicAccess()) {
            return admitted(route, request, requestId, started);
        }
        String address = request.clientAddress();
        if (recentlyAllowed(route.workspaceId(), address)) {
            return admitted(route, request, requestId, started);
        }
        return CompletableFuture.supplyAsync(() -> reachesPrivately(route.workspaceId(), address), lookups)
                .thenCompose(allowed -> allowed ? admitted(route, request, requestId, started)
                        : privateOnly(route, address, requestId));
    }

    private CompletionStage<InferenceReply> privateOnly(EndpointRoute route, String address, String requestId) {
        return done(reply(requestId, ScoreAnswer.error(403, "PublicNetworkAccessDisabled", "Public network access to "
                + "endpoint '" + route.name() + "' is disabled, and this request came from " + address + ", which is "
                + "not in the subnet of an approved private endpoint of its workspace. Score through the "
                + "workspace's private endpoint, or enable access ('amlite ml online-endpoint update -n "
                + route.name() + " --set public_network_access=enabled').", null), null));
    }

    /** A request allowed to reach the endpoint: authenticated, then its body taken and routed. */
    private CompletionStage<InferenceReply> admitted(EndpointRoute route, ScoringRequest request, String requestId,
                                                     long started) {
        ScoreAnswer refused = authenticate(request.header("authorization"), route);
        if (refused != null) {
            return done(reply(requestId, refused, "Bearer realm=\"" + route.name() + "\""));
        }
        return request.body(config.maxRequestBody()).handle((body, failure) -> {
            if (failure == null) {
                return route(route, request, body, requestId, started);
            }
            Throwable cause = Stages.cause(failure);
            if (cause instanceof BodyTooLargeException tooLarge) {
                return done(reply(requestId, tooLarge(tooLarge.size()), null));
            }
            return done(reply(requestId, ScoreAnswer.error(400, "BadRequest", "The request body could not be read: "
                    + cause.getMessage(), null), null));
        }).thenCompose(reply -> reply);
    }

    private CompletionStage<InferenceReply> route(EndpointRoute route, ScoringRequest request, byte[] body,
                                                  String requestId, long started) {
        if (!route.bandwidth().tryTake(body.length)) {
            return done(reply(requestId, ScoreAnswer.error(429, "BandwidthQuotaExceeded", "Endpoint '" + route.name()
                    + "' is over its bandwidth quota of " + config.bandwidthPerSecond() / 1_000_000.0 + " MB/s; "
                    + "requests are throttled until it recovers. Retry later.", null), null));
        }
        String contentType = Optional.ofNullable(request.header("content-type")).orElse(ScoreAnswer.JSON);
        Optional<String> pinned = Optional.ofNullable(request.header(DEPLOYMENT_HEADER)).map(String::strip)
                .filter(s -> !s.isEmpty());
        DeploymentRuntime target;
        boolean copy = false;
        if (pinned.isPresent()) {
            target = route.deployments().get(pinned.get().toLowerCase(Locale.ROOT));
            if (target == null) {
                return done(reply(requestId, ScoreAnswer.error(404, "DeploymentNotFound", "Endpoint '" + route.name()
                        + "' has no deployment '" + pinned.get() + "' (the azureml-model-deployment header names it). "
                        + "'amlite ml online-deployment list -e " + route.name() + "' shows its deployments.", null),
                        null));
            }
        } else {
            String next = route.split().next();
            if (next == null) {
                return done(reply(requestId, ScoreAnswer.error(404, "NoTrafficDeployment", "No deployment of endpoint '"
                        + route.name() + "' has live traffic. Give one traffic ('amlite ml online-endpoint update -n "
                        + route.name() + " --traffic \"<deployment>=100\"') or name a deployment in the "
                        + "azureml-model-deployment header.", null), null));
            }
            target = route.deployments().get(next);
            if (target == null) {
                return done(reply(requestId, ScoreAnswer.error(503, "DeploymentNotReady", "Deployment '" + next
                        + "' of endpoint '" + route.name() + "' has traffic but is not serving (being created, "
                        + "failed or being deleted). 'amlite ml online-deployment show -n " + next + " -e "
                        + route.name() + "' tells its state.", next), null));
            }
            copy = route.mirrorTo() != null && route.mirror().take();
        }
        boolean mirrored = copy;
        return target.score(body, contentType, requestId).thenApply(answer -> {
            route.bandwidth().charge(answer.body().length);
            route.log().add(new RequestLog.Entry(Instant.now(clock), requestId, answer.deployment(), answer.status(),
                    (System.nanoTime() - started) / 1e6, false, body.length, answer.body().length));
            // The copy goes out once the client has its answer, so that neither writing it nor the shadow waking to
            // run it takes CPU during the client's own request (on a small machine they share the cores with it).
            return reply(requestId, answer, null, mirrored ? () -> mirror(route, body, contentType, requestId)
                    : InferenceReply.NOTHING);
        });
    }

    /**
     * Sends a copy to the shadow without waiting for its answer. When the shadow is at its in-flight limit or the
     * mirror is at its capacity the copy is dropped (and counted), never queued.
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
        long started = System.nanoTime();
        boolean sent = shadow.mirror(body, contentType, requestId + "-mirror", answer -> {
            mirrorSlots.release();
            route.log().add(new RequestLog.Entry(Instant.now(clock), requestId, shadow.name(), answer.status(),
                    (System.nanoTime() - started) / 1e6, true, body.length, answer.body().length));
        });
        if (!sent) {
            mirrorSlots.release();
            shadow.metrics().mirrorDropped();
        }
    }

    /** Stops the lookups (a request waiting for one is answered when it finishes; nobody waits for more). */
    void close() {
        lookups.shutdown();
    }

    /**
     * Whether the network gate let this client of a private endpoint in within the last few seconds: a yes is kept so
     * that scoring does not look private endpoints up in the store on every request (removing one takes effect
     * within that time); a no is not kept, so a newly approved private endpoint works at once.
     */
    private boolean recentlyAllowed(String workspaceId, String address) {
        Long until = allowedUntil.get(accessKey(workspaceId, address));
        return until != null && System.nanoTime() - until < 0;
    }

    private static String accessKey(String workspaceId, String address) {
        return workspaceId.toLowerCase(java.util.Locale.ROOT) + "|" + address;
    }

    /** Asks the network gate (it reads the store: never on an event loop) and keeps a yes. */
    private boolean reachesPrivately(String workspaceId, String address) {
        boolean allowed = gate.reachesPrivately(ResourceId.parse(workspaceId), address);
        if (allowed) {
            if (allowedUntil.size() > 10_000) {
                allowedUntil.clear();
            }
            allowedUntil.put(accessKey(workspaceId, address), System.nanoTime() + PRIVATE_ACCESS_TTL_NANOS);
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

    private ScoreAnswer authenticate(String authorization, EndpointRoute route) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return ScoreAnswer.error(401, "Unauthorized", "Scoring endpoint '" + route.name() + "' needs "
                    + "'Authorization: Bearer <" + (route.authMode().equalsIgnoreCase(EndpointRoute.AML_TOKEN)
                    ? "aml_token" : "key") + ">'. 'amlite ml online-endpoint get-credentials -n " + route.name()
                    + "' gives it.", null);
        }
        String credential = authorization.substring(7).strip();
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

    /** The answer with the headers every scoring answer carries. */
    private static InferenceReply reply(String requestId, ScoreAnswer answer, String wwwAuthenticate) {
        return reply(requestId, answer, wwwAuthenticate, InferenceReply.NOTHING);
    }

    /** The same, with {@code afterward} to run once the answer is written. */
    private static InferenceReply reply(String requestId, ScoreAnswer answer, String wwwAuthenticate,
                                        Runnable afterward) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", answer.contentType() == null ? ScoreAnswer.JSON : answer.contentType());
        if (requestId != null) {
            headers.put("x-request-id", requestId);
        }
        if (answer.deployment() != null) {
            headers.put(DEPLOYMENT_HEADER, answer.deployment());
        }
        if (wwwAuthenticate != null) {
            headers.put("WWW-Authenticate", wwwAuthenticate);
        }
        return new InferenceReply(answer.status(), headers, answer.body(), afterward);
    }

    private static void send(ServerResponse response, InferenceReply reply) {
        response.status(Status.create(reply.status()));
        reply.headers().forEach((name, value) -> response.header(HeaderNames.create(name), value));
        try {
            response.send(reply.body());
        } finally {
            try {
                reply.afterward().run();
            } catch (RuntimeException e) { // the client has its answer; a failing copy is the router's own business
                LOG.error("Work after a scoring answer on the main port failed", e);
            }
        }
    }

    /** A request on the main port, seen as the inference port's handler sees its own. */
    private record HelidonScoringRequest(ServerRequest request) implements ScoringRequest {
        @Override
        public String method() {
            return request.prologue().method().text();
        }

        @Override
        public String path() {
            return request.path().path();
        }

        @Override
        public String header(String name) {
            return request.headers().first(HeaderNames.create(name)).orElse(null);
        }

        @Override
        public long declaredLength() {
            return request.headers().contentLength().orElse(-1);
        }

        /** Read at once: on the main port each request has its own virtual thread, which may block. */
        @Override
        public CompletionStage<byte[]> body(long max) {
            long declared = declaredLength();
            if (declared > max) {
                return CompletableFuture.failedFuture(new BodyTooLargeException(declared, max));
            }
            try (InputStream in = request.content().inputStream()) {
                byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
                if (body.length > max) {
                    return CompletableFuture.failedFuture(new BodyTooLargeException(body.length, max));
                }
                return CompletableFuture.completedFuture(body);
            } catch (IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(new IOException(e.getMessage(), e));
            }
        }

        @Override
        public String clientAddress() {
            return HttpSupport.clientAddress(request);
        }
    }
}
