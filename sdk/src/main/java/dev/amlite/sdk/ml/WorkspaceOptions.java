package dev.amlite.sdk.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/**
 * What {@link Workspace#create} and {@link Workspace#update} take (seed 003's parameters of create and update), as a
 * fluent builder in the Azure SDK's style. Unset members keep the server's defaults.
 */
public final class WorkspaceOptions {
    private final String name;
    private String resourceGroup;
    private String location;
    private boolean createResourceGroup = true;
    private boolean existOk;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final ObjectNode properties = Json.object();

    private WorkspaceOptions(String name) {
        this.name = requireNonNull(name, "name is null");
    }

    public static WorkspaceOptions named(String name) {
        return new WorkspaceOptions(name);
    }

    public WorkspaceOptions resourceGroup(String group) {
        this.resourceGroup = group;
        return this;
    }

    public WorkspaceOptions location(String region) {
        this.location = region;
        return this;
    }

    /** Whether to create the resource group when it is missing (default true, as seed 003). */
    public WorkspaceOptions createResourceGroup(boolean create) {
        this.createResourceGroup = create;
        return this;
    }

    /** Return the existing workspace instead of failing when it exists (seed 003's exist_ok). */
    public WorkspaceOptions existOk(boolean ok) {
        this.existOk = ok;
        return this;
    }

    public WorkspaceOptions tag(String key, String value) {
        tags.put(key, value);
        return this;
    }

    public WorkspaceOptions friendlyName(String value) {
        properties.put("friendlyName", value);
        return this;
    }

    public WorkspaceOptions description(String value) {
        properties.put("description", value);
        return this;
    }

    public WorkspaceOptions storageAccount(String id) {
        properties.put("storageAccount", id);
        return this;
    }

    public WorkspaceOptions keyVault(String id) {
        properties.put("keyVault", id);
        return this;
    }

    public WorkspaceOptions appInsights(String id) {
        properties.put("applicationInsights", id);
        return this;
    }

    public WorkspaceOptions containerRegistry(String id) {
        properties.put("containerRegistry", id);
        return this;
    }

    public WorkspaceOptions imageBuildCompute(String compute) {
        properties.put("imageBuildCompute", compute);
        return this;
    }

    public WorkspaceOptions publicNetworkAccess(boolean enabled) {
        properties.put("publicNetworkAccess", enabled ? "Enabled" : "Disabled");
        return this;
    }

    public WorkspaceOptions hbiWorkspace(boolean hbi) {
        properties.put("hbiWorkspace", hbi);
        return this;
    }

    public WorkspaceOptions primaryUserAssignedIdentity(String id) {
        properties.put("primaryUserAssignedIdentity", id);
        return this;
    }

    public WorkspaceOptions systemDatastoresAuthMode(String mode) {
        properties.put("systemDatastoresAuthMode", mode);
        return this;
    }

    /** Customer-managed key: the vault's resource id and the key URI (seed 003's cmk_keyvault, resource_cmk_uri). */
    public WorkspaceOptions customerManagedKey(String keyVaultId, String keyUri) {
        ObjectNode encryption = properties.putObject("encryption");
        encryption.put("status", "Enabled");
        encryption.putObject("keyVaultProperties").put("keyVaultArmId", keyVaultId).put("keyIdentifier", keyUri);
        return this;
    }

    String name() {
        return name;
    }

    String resourceGroup() {
        return resourceGroup;
    }

    String location() {
        return location;
    }

    boolean createsResourceGroup() {
        return createResourceGroup;
    }

    boolean existOk() {
        return existOk;
    }

    ObjectNode body() {
        ObjectNode body = Json.object();
        if (location != null) {
            body.put("location", location);
        }
        if (!tags.isEmpty()) {
            body.set("tags", Json.MAPPER.valueToTree(tags));
        }
        body.set("properties", properties.deepCopy());
        return body;
    }
}
