package dev.amlite.sdk.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.ArmClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/** A workspace's datastores (seed 003's {@code ws.datastores}, AS-1): credentials are never part of a read. */
public final class DatastoreOperations {
    private final ArmClient arm;
    private final String base;

    private DatastoreOperations(ArmClient arm, String workspacePath) {
        this.arm = requireNonNull(arm, "arm is null");
        this.base = workspacePath + "/datastores";
    }

    /** The datastores of the workspace with this ARM id. */
    public static DatastoreOperations of(ArmClient arm, String workspaceId) {
        return new DatastoreOperations(arm, workspaceId);
    }

    public List<JsonNode> list() {
        List<JsonNode> items = new ArrayList<>();
        arm.get(base, Workspace.API).path("value").forEach(items::add);
        return items;
    }

    public JsonNode get(String name) {
        return arm.get(base + "/" + name, Workspace.API);
    }

    /** Registers or updates a datastore from its ARM properties (credentials with their secrets). */
    public JsonNode createOrUpdate(String name, ObjectNode properties) {
        ObjectNode body = Json.object();
        body.set("properties", properties);
        return arm.send("PUT", base + "/" + name, Workspace.API, Map.of(), body).body();
    }

    /** The credentials' secret part; needs the listSecrets permission. */
    public JsonNode listSecrets(String name) {
        return arm.send("POST", base + "/" + name + "/listSecrets", Workspace.API, Map.of(), null).body();
    }

    public void delete(String name) {
        arm.send("DELETE", base + "/" + name, Workspace.API, Map.of(), null);
    }

    public JsonNode getDefault() {
        return list().stream().filter(d -> d.path("properties").path("isDefault").asBoolean(false)).findFirst()
                .orElseThrow(() -> new IllegalStateException("The workspace has no default datastore."));
    }

    /** Makes {@code name} the datastore uploads go to; the previous default stops being it. */
    public JsonNode setDefault(String name) {
        ObjectNode properties = ((ObjectNode) get(name).path("properties")).deepCopy();
        properties.put("isDefault", true);
        return createOrUpdate(name, properties);
    }
}
