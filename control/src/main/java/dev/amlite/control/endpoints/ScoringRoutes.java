package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.ResourceId;
import dev.amlite.serving.routing.ByteRateLimit;
import dev.amlite.serving.routing.ShareSampler;
import dev.amlite.serving.routing.WeightedSplit;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's table: endpoint by region and name (the scoring URI's two parts), each an immutable
 * {@link EndpointRoute} replaced whole when the endpoint or a deployment changes, so a request sees one
 * consistent split. Bandwidth buckets and request logs outlive the rebuilds.
 */
final class ScoringRoutes {
    private static final int LOG_CAPACITY = 1000;
    private final ResourceStore store;
    private final EndpointAuth auth;
    private final ServingHost host;
    private final ServingConfig config;
    private final Map<String, EndpointRoute> routes = new ConcurrentHashMap<>();
    private final Map<String, ByteRateLimit> bandwidth = new ConcurrentHashMap<>();
    private final Map<String, RequestLog> logs = new ConcurrentHashMap<>();
    /** The etag of the endpoint row each route was built from (ids in lower case). */
    private final Map<String, String> routedEtags = new ConcurrentHashMap<>();

    ScoringRoutes(ResourceStore store, EndpointAuth auth, ServingHost host, ServingConfig config) {
        this.store = store;
        this.auth = auth;
        this.host = host;
        this.config = config;
    }

    static String key(String region, String endpoint) {
        return region.toLowerCase(Locale.ROOT) + "/" + endpoint.toLowerCase(Locale.ROOT);
    }

    Optional<EndpointRoute> find(String region, String endpoint) {
        return Optional.ofNullable(routes.get(key(region, endpoint)));
    }

    /** Stops routing to one endpoint, whatever its row says: the first step of deleting it. */
    synchronized void drop(ResourceId endpointId) {
        routes.values().removeIf(route -> route.id().equalsIgnoreCase(endpointId.id()));
        routedEtags.remove(endpointId.id().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether the endpoint's route was built from the row with {@code etag}: a route made again would be the same,
     * and would only restart its exact split and mirror sampling.
     */
    boolean routedAt(ResourceId endpointId, String etag) {
        return etag.equals(routedEtags.get(endpointId.id().toLowerCase(Locale.ROOT)));
    }

    /** Rebuilds the route of one endpoint from the store (or drops it when the endpoint is gone or going). */
    synchronized void refresh(ResourceId endpointId) {
        Optional<StoredResource> row = store.get(endpointId);
        if (row.isEmpty() || "Deleting".equals(row.get().provisioningState())) {
            drop(endpointId);
            if (row.isEmpty()) {
                String id = endpointId.id().toLowerCase(Locale.ROOT);
                bandwidth.remove(id);
                logs.remove(id);
            }
            return;
        }
        StoredResource endpoint = row.get();
        JsonNode properties = endpoint.document().path("properties");
        Map<String, DeploymentRuntime> deployments = new HashMap<>();
        for (StoredResource deployment : store.listChildren(endpointId, endpointId.typeKey() + "/deployments")) {
            DeploymentRuntime runtime = host.runtime(deployment.id());
            if (runtime != null && !"Deleting".equals(deployment.provisioningState())) {
                deployments.put(deployment.id().name().toLowerCase(Locale.ROOT), runtime);
            }
        }
        Map<String, Integer> traffic = EndpointRules.percentages("traffic", properties.path("traffic"));
        Map<String, Integer> weights = new HashMap<>();
        traffic.forEach((name, weight) -> weights.put(name.toLowerCase(Locale.ROOT), weight));
        String mirrorTo = null;
        int mirrorPercent = 0;
        for (Map.Entry<String, Integer> entry : EndpointRules.percentages("mirrorTraffic",
                properties.path("mirrorTraffic")).entrySet()) {
            if (entry.getValue() > 0) {
                mirrorTo = entry.getKey().toLowerCase(Locale.ROOT);
                mirrorPercent = entry.getValue();
            }
        }
        String id = endpointId.id().toLowerCase(Locale.ROOT);
        ByteRateLimit limit = bandwidth.computeIfAbsent(id, k -> new ByteRateLimit(config.bandwidthPerSecond(),
                config.maxRequestBody(), System::nanoTime));
        RequestLog log = logs.computeIfAbsent(id, k -> new RequestLog(LOG_CAPACITY));
        EndpointRoute route = new EndpointRoute(endpoint.id().id(), endpoint.id().name(), endpointId.parent().id(),
                !"Disabled".equalsIgnoreCase(properties.path("publicNetworkAccess").asText("Enabled")),
                properties.path("authMode").asText(EndpointRoute.KEY),
                auth.credentials(endpointId), new WeightedSplit(weights), mirrorTo, new ShareSampler(mirrorPercent),
                Map.copyOf(deployments), limit, log);
        replace(routes, key(endpoint.location(), endpoint.id().name()), route);
        routedEtags.put(id, endpoint.etag());
    }

    /**
     * Puts an endpoint's new route in place of its old one. The new one goes in first and only then are other keys of
     * the same endpoint removed: removing first left a moment in which a request found no route and was answered
     * 404 EndpointNotFound, which a rolling update under load showed.
     */
    static void replace(Map<String, EndpointRoute> routes, String key, EndpointRoute route) {
        routes.put(key, route);
        routes.entrySet().removeIf(entry -> !entry.getKey().equals(key)
                && entry.getValue().id().equalsIgnoreCase(route.id()));
    }

    /** The ids (lower-case) of the endpoints with a route now. */
    Set<String> routedIds() {
        Set<String> ids = new HashSet<>();
        routes.values().forEach(route -> ids.add(route.id().toLowerCase(Locale.ROOT)));
        return ids;
    }

    Optional<RequestLog> log(ResourceId endpointId) {
        return Optional.ofNullable(logs.get(endpointId.id().toLowerCase(Locale.ROOT)));
    }
}
