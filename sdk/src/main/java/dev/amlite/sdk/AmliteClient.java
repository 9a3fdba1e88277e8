package dev.amlite.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * The management client of amlite for one subscription, built by {@link AmliteClientBuilder}. Operations follow
 * the Azure SDK for Java's verbs: {@code createOrUpdate}, {@code get}, {@code list}, {@code beginDelete}
 * (returning when the long-running operation ends). Deleting a missing item succeeds.
 */
public final class AmliteClient {
    static final String RESOURCES_API = "2022-09-01";
    private final ArmClient arm;
    private volatile String subscriptionId;

    AmliteClient(ArmClient arm, String subscriptionId) {
        this.arm = requireNonNull(arm, "arm is null");
        this.subscriptionId = subscriptionId;
    }

    public ArmClient arm() {
        return arm;
    }

    /**
     * The subscription the client works in: the builder's, or — when none was given — the only one the credential
     * sees. Without one, or with several to choose from, it says so instead of addressing "/subscriptions/null".
     */
    public String subscriptionId() {
        String id = subscriptionId;
        if (id != null) {
            return id;
        }
        List<JsonNode> visible = listSubscriptions();
        if (visible.size() != 1) {
            throw new IllegalStateException("No subscription was given (AmliteClientBuilder.subscriptionId) and the "
                    + "credential sees " + visible.size() + " subscriptions" + (visible.isEmpty() ? "" : ": "
                    + visible.stream().map(s -> s.path("subscriptionId").asText()).toList()) + ". Name one.");
        }
        subscriptionId = visible.getFirst().path("subscriptionId").asText();
        return subscriptionId;
    }

    /** The subscriptions the credential can see. */
    public List<JsonNode> listSubscriptions() {
        List<JsonNode> result = new ArrayList<>();
        arm.get("/subscriptions", RESOURCES_API).path("value").forEach(result::add);
        return result;
    }

    /** A resource group as ARM returns it. */
    public record ResourceGroup(String id, String name, String location, Map<String, String> tags, String provisioningState) {
        static ResourceGroup from(JsonNode node) {
            Map<String, String> tags = new java.util.LinkedHashMap<>();
            node.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            return new ResourceGroup(node.path("id").asText(), node.path("name").asText(), node.path("location").asText(),
                    Map.copyOf(tags), node.path("properties").path("provisioningState").asText());
        }
    }

    public ResourceGroup createOrUpdateResourceGroup(String name, String location, Map<String, String> tags) {
        ObjectNode body = Json.object();
        body.put("location", location);
        body.set("tags", Json.MAPPER.valueToTree(tags));
        return ResourceGroup.from(arm.send("PUT", groupPath(name), RESOURCES_API, Map.of(), body).body());
    }

    public Optional<ResourceGroup> getResourceGroup(String name) {
        try {
            return Optional.of(ResourceGroup.from(arm.get(groupPath(name), RESOURCES_API)));
        } catch (AmliteException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public List<ResourceGroup> listResourceGroups() {
        List<ResourceGroup> groups = new ArrayList<>();
        arm.get("/subscriptions/" + subscriptionId + "/resourcegroups", RESOURCES_API).path("value")
                .forEach(node -> groups.add(ResourceGroup.from(node)));
        return groups;
    }

    /** Deletes the group and everything in it, waiting for the long-running operation to end. */
    public void beginDeleteResourceGroup(String name) {
        try {
            ArmClient.Response started = arm.send("DELETE", groupPath(name), RESOURCES_API, Map.of(), null);
            arm.waitForCompletion(started, () -> { });
        } catch (AmliteException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    private String groupPath(String name) {
        return "/subscriptions/" + subscriptionId + "/resourcegroups/" + name;
    }
}
