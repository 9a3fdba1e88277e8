package dev.amlite.control.move;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a workspace's move leaves for its owner to do (MV-4, MV-7), written into the move's history entry with the
 * command that does it: the data assets that stay at the source (untouched, and registered again in the moved
 * workspace with one command each, from the same files), and the non-default datastores that still name the
 * subscription and group their storage account left (the seed's "update credentials" step).
 */
final class LeftBehind {
    /** The long datastore URI form, whose workspace part the short form leaves to the workspace using it. */
    private static final Pattern LONG_URI = Pattern.compile("azureml://subscriptions/[^/]+/resourcegroups/[^/]+/"
            + "(?:providers/Microsoft\\.MachineLearningServices/)?workspaces/[^/]+/(datastores/.*)", Pattern.CASE_INSENSITIVE);

    private LeftBehind() {
    }

    static ObjectNode describe(ResourceStore store, ResourceStore.MoveRoot workspace, List<ResourceStore.MoveRoot> roots) {
        ObjectNode described = Json.object();
        ArrayNode data = described.putArray("leftBehindDataAssets");
        for (StoredResource container : store.listChildren(workspace.source(), MoveValidation.ML + "/data")) {
            for (StoredResource version : store.listChildren(container.id(), MoveValidation.ML + "/data/versions")) {
                JsonNode p = version.document().path("properties");
                String type = p.path("dataType").asText(container.document().path("properties").path("dataType")
                        .asText("uri_file"));
                String path = shortForm(p.path("dataUri").asText());
                data.addObject().put("name", container.id().name()).put("version", version.id().name())
                        .put("type", type).put("path", path).put("keptAt", version.id().id())
                        .put("register", "amlite ml data create -n " + container.id().name() + " -v "
                                + version.id().name() + " --type " + type + " --path " + path + " -w "
                                + workspace.target().name() + " -g " + workspace.target().resourceGroup()
                                + " --subscription " + workspace.target().subscriptionId());
            }
        }
        ArrayNode datastores = described.putArray("datastoresToUpdate");
        for (ResourceStore.MoveRoot root : roots) {
            if (!root.source().typeKey().equals("microsoft.storage/storageaccounts")) {
                continue;
            }
            for (StoredResource datastore : store.listChildren(workspace.source(), MoveValidation.ML + "/datastores")) {
                JsonNode p = datastore.document().path("properties");
                boolean system = p.path("properties").path("amlite.system").asBoolean(false);
                if (system || !p.path("accountName").asText().equalsIgnoreCase(root.source().name())) {
                    continue;
                }
                datastores.addObject().put("name", datastore.id().name()).put("accountName", root.source().name())
                        .put("subscriptionId", p.path("subscriptionId").asText(""))
                        .put("resourceGroup", p.path("resourceGroup").asText(""))
                        .put("update", "amlite ml datastore update -n " + datastore.id().name() + " --set subscription_id="
                                + root.target().subscriptionId() + " resource_group=" + root.target().resourceGroup()
                                + " -w " + workspace.target().name() + " -g " + workspace.target().resourceGroup()
                                + " --subscription " + workspace.target().subscriptionId());
            }
        }
        return described;
    }

    /** {@code azureml://datastores/<name>/paths/<path>} for a long-form URI; any other URI as it is. */
    static String shortForm(String uri) {
        Matcher matcher = LONG_URI.matcher(uri);
        return matcher.matches() ? "azureml://" + matcher.group(1) : uri;
    }
}
