package dev.amlite.control.workspace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.insights.ApplicationInsightsHandler;
import dev.amlite.control.keyvault.VaultHandler;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.control.registry.ContainerRegistryHandler;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.storage.StorageAccountHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceState;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/**
 * The resources a workspace depends on (WS-1): bring-your-own ones are checked — they exist, the caller may use
 * them, their subscription has Machine Learning registered, storage is Standard with blob and file and no
 * hierarchical namespace, a registry has its admin user — and missing ones (storage account, key vault,
 * Application Insights) are created in the workspace's group through their own providers, so they get every
 * check and policy a user's own request would. A failed creation removes what it made.
 */
final class WorkspaceDependencies {
    static final String ML_NAMESPACE = "Microsoft.MachineLearningServices";
    static final String STORAGE_API = "2023-01-01";
    static final String VAULT_API = "2023-07-01";
    static final String INSIGHTS_API = "2020-02-02";
    static final String REGISTRY_API = "2023-07-01";

    /** A dependent resource kind: the workspace property, the YAML name users know, its type and provider. */
    enum Kind {
        STORAGE("storageAccount", "storage_account", StorageAccountHandler.TYPE, STORAGE_API),
        KEY_VAULT("keyVault", "key_vault", VaultHandler.TYPE, VAULT_API),
        INSIGHTS("applicationInsights", "application_insights", ApplicationInsightsHandler.TYPE, INSIGHTS_API),
        REGISTRY("containerRegistry", "container_registry", ContainerRegistryHandler.TYPE, REGISTRY_API);

        final String property;
        final String yamlName;
        final String type;
        final String apiVersion;

        Kind(String property, String yamlName, String type, String apiVersion) {
            this.property = property;
            this.yamlName = yamlName;
            this.type = type;
            this.apiVersion = apiVersion;
        }
    }

    private final TrackedResources tracked;
    private final Authorizer authorizer;
    private final Map<Kind, ResourceTypeHandler> handlers;

    WorkspaceDependencies(TrackedResources tracked, Authorizer authorizer, Map<Kind, ResourceTypeHandler> handlers) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.handlers = Map.copyOf(handlers);
    }

    /** Parses and checks a bring-your-own resource id given for {@code kind}; returns the stored resource. */
    StoredResource checkBringYourOwn(ArmRequest request, Kind kind, String given) {
        ResourceId id;
        try {
            id = ResourceId.parse(given.startsWith("/") ? given : "/" + given);
        } catch (ArmException e) {
            throw new ArmException(ErrorCode.InvalidParameter, "'" + given + "' given as " + kind.yamlName
                    + " is not a resource id. Give the full id, e.g. /subscriptions/<id>/resourceGroups/<group>/providers/"
                    + kind.type + "/<name>.");
        }
        if (!id.type().equalsIgnoreCase(kind.type)) {
            throw new ArmException(ErrorCode.InvalidParameter, "'" + given + "' given as " + kind.yamlName + " is a "
                    + id.type() + ", not a " + kind.type + ".");
        }
        if (!id.subscriptionId().equalsIgnoreCase(request.resource().subscriptionId())
                && !tracked.registrations().isRegistered(id.subscriptionId(), ML_NAMESPACE)) {
            throw new ArmException(ErrorCode.MissingSubscriptionRegistration, "The subscription is not registered to "
                    + "use namespace '" + ML_NAMESPACE + "'. The " + kind.yamlName + " '" + id.id() + "' is in "
                    + "subscription " + id.subscriptionId() + ", which must have " + ML_NAMESPACE + " registered for a "
                    + "workspace to use it: 'amlite provider register --namespace " + ML_NAMESPACE + " --subscription "
                    + id.subscriptionId() + "'.");
        }
        authorizer.check(request.caller(), kind.type + "/read", id);
        StoredResource resource = tracked.store().get(id).orElseThrow(() -> new ArmException(
                ErrorCode.LinkedResourceNotFound, "The " + kind.yamlName + " '" + id.id() + "' does not exist. Create "
                + "it first, or leave " + kind.yamlName + " out and amlite creates one in the workspace's group."));
        switch (kind) {
            case STORAGE -> checkStorage(resource);
            case REGISTRY -> checkRegistry(resource);
            default -> {
            }
        }
        return resource;
    }

    /**
     * Refuses deleting a storage account that a workspace keeps its files in (models, code, data, job outputs): on
     * Azure that delete is allowed and breaks the workspace; here the account's blobs would be removed for good. A
     * soft-deleted workspace holds its account too, as on Azure, where dependent resources go only with a workspace
     * deleted for good: its recovery needs them.
     */
    static void refuseStorageDeleteWhileUsed(ResourceStore store, ResourceId account) {
        List<StoredResource> users = new ArrayList<>();
        for (ResourceState state : ResourceState.values()) {
            store.listByTypeInState(WorkspaceHandler.TYPE, state).stream()
                    .filter(workspace -> workspace.document().path("properties").path(Kind.STORAGE.property)
                            .asText("").equalsIgnoreCase(account.id()))
                    .forEach(users::add);
        }
        if (users.isEmpty()) {
            return;
        }
        StoredResource first = users.get(0);
        boolean soft = first.state() == ResourceState.SOFT_DELETED;
        throw new ArmException(ErrorCode.Conflict, "Storage account '" + account.name() + "' holds the files of "
                + "workspace" + (users.size() == 1 ? " " : "s ") + String.join(", ", users.stream().map(w -> "'"
                + w.id().name() + "' (group " + w.id().resourceGroup() + (w.state() == ResourceState.SOFT_DELETED
                ? ", soft-deleted: recovering it needs them" : "") + ")").toList()) + ": models, code, data and job "
                + "outputs, which its delete would remove for good. " + (soft ? "Purge the workspace first ('amlite "
                + "ml workspace delete -n " + first.id().name() + " -g " + first.id().resourceGroup()
                + " --permanently-delete'), then delete the account." : "Delete the workspace for good first: 'amlite "
                + "ml workspace delete -n " + first.id().name() + " -g " + first.id().resourceGroup()
                + " --permanently-delete --all-resources' deletes it with its storage account, key vault, insights "
                + "and registry."));
    }

    /** Storage rules of seed 001, which apply to the workspace's default storage account. */
    static void checkStorage(StoredResource account) {
        String sku = account.document().path("sku").path("name").asText();
        String kind = account.document().path("kind").asText();
        List<String> problems = new ArrayList<>();
        if (sku.toLowerCase(Locale.ROOT).startsWith("premium")) {
            problems.add("its SKU is " + sku + " (Premium_LRS and Premium_GRS accounts cannot be a workspace's storage)");
        }
        if (!StorageAccountHandler.blobEnabled(kind) || !StorageAccountHandler.fileEnabled(kind)) {
            problems.add("its kind " + kind + " does not offer both Azure Blob and Azure Files (use StorageV2)");
        }
        if (account.document().path("properties").path("isHnsEnabled").asBoolean(false)) {
            problems.add("hierarchical namespace (Data Lake Storage Gen2) is enabled; it must be disabled");
        }
        if (!problems.isEmpty()) {
            throw new ArmException(ErrorCode.UnsupportedStorageAccount, "The storage account '" + account.id().id()
                    + "' cannot be used as a workspace's storage: " + String.join("; ", problems) + ".");
        }
    }

    static void checkRegistry(StoredResource registry) {
        if (!registry.document().path("properties").path("adminUserEnabled").asBoolean(false)) {
            throw new ArmException(ErrorCode.ContainerRegistryAdminUserDisabled, "The container registry '"
                    + registry.id().id() + "' has its admin user disabled; a workspace needs it to use a registry it "
                    + "did not create. Enable it with 'amlite acr update -n " + registry.id().name() + " -g "
                    + registry.id().resourceGroup() + " --admin-enabled true'.");
        }
    }

    /** Creates a dependent resource of {@code kind} in the workspace's group, named after the workspace. */
    StoredResource create(ArmRequest request, Kind kind, String workspaceName, String location, String workspaceGuid) {
        ResourceId group = ResourceId.resourceGroup(request.resource().subscriptionId(), request.resource().resourceGroup());
        ResourceId id = group.provider(kind.type.substring(0, kind.type.indexOf('/')),
                kind.type.substring(kind.type.indexOf('/') + 1), name(kind, workspaceName, workspaceGuid));
        authorizer.check(request.caller(), kind.type + "/write", id);
        ObjectNode body = Json.object();
        body.put("location", location);
        body.putObject("tags");
        switch (kind) {
            case STORAGE -> {
                body.putObject("sku").put("name", "Standard_LRS");
                body.put("kind", "StorageV2");
                body.putObject("properties").put("isHnsEnabled", false).put("allowBlobPublicAccess", false);
            }
            case KEY_VAULT -> body.putObject("properties").put("tenantId", request.caller().tenantId())
                    .put("enableRbacAuthorization", true).put("enableSoftDelete", true);
            case INSIGHTS -> {
                body.put("kind", "web");
                body.putObject("properties").put("Application_Type", "web");
            }
            case REGISTRY -> {
                body.putObject("sku").put("name", "Basic");
                body.putObject("properties").put("adminUserEnabled", true);
            }
        }
        handlers.get(kind).put(request.derived("PUT", id, kind.apiVersion, body));
        return tracked.existing(id);
    }

    /** Removes resources a failed creation made; errors here must not hide the original one. */
    void rollBack(List<ResourceId> created) {
        for (ResourceId id : created) {
            try {
                tracked.store().deleteTree(id);
            } catch (RuntimeException ignored) {
                // the original failure is what the user must see
            }
        }
    }

    /**
     * Names like az's: the workspace name's letters and digits and a suffix from the workspace GUID, within each
     * type's rules (storage 3–24 lower-case letters and digits; vaults start with a letter, at most 24).
     */
    static String name(Kind kind, String workspaceName, String workspaceGuid) {
        String base = workspaceName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String suffix = workspaceGuid.replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
        String prefix = base.length() > 13 ? base.substring(0, 13) : base;
        if (prefix.isEmpty() || !Character.isLetter(prefix.charAt(0))) {
            prefix = "ws" + prefix;
            prefix = prefix.length() > 13 ? prefix.substring(0, 13) : prefix;
        }
        return switch (kind) {
            case STORAGE -> prefix + "st" + suffix;
            case KEY_VAULT -> prefix + "kv" + suffix;
            case INSIGHTS -> prefix + "ai" + suffix;
            case REGISTRY -> prefix + "cr" + suffix;
        };
    }
}
