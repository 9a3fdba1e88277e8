package dev.amlite.control.assets;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A datastore path as Azure ML writes it: {@code azureml://datastores/<name>/paths/<path>}, or the long form
 * {@code azureml://subscriptions/<s>/resourcegroups/<g>/workspaces/<w>/datastores/<name>/paths/<path>} that
 * {@code show} prints. Anything else (https, wasbs, abfss URLs) is not a datastore path and is not parsed here.
 */
public record AssetUri(String datastore, String path) {
    private static final Pattern SHORT = Pattern.compile("azureml://datastores/([^/]+)/paths/(.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern LONG = Pattern.compile(
            "azureml://subscriptions/([^/]+)/resource[gG]roups/([^/]+)/(?:providers/Microsoft\\.MachineLearningServices/)?"
                    + "workspaces/([^/]+)/datastores/([^/]+)/paths/(.*)", Pattern.CASE_INSENSITIVE);

    /** The datastore path of {@code uri} below {@code workspace}; empty when it is not a datastore URI at all. */
    public static Optional<AssetUri> parse(String uri, ResourceId workspace) {
        Matcher shortForm = SHORT.matcher(uri);
        if (shortForm.matches()) {
            return Optional.of(new AssetUri(shortForm.group(1), shortForm.group(2)));
        }
        Matcher longForm = LONG.matcher(uri);
        if (longForm.matches()) {
            boolean same = longForm.group(1).equalsIgnoreCase(workspace.subscriptionId())
                    && longForm.group(2).equalsIgnoreCase(workspace.resourceGroup())
                    && longForm.group(3).equalsIgnoreCase(workspace.name());
            if (!same) {
                throw new ArmException(ErrorCode.InvalidResourceReference, "'" + uri + "' is a path in workspace '"
                        + longForm.group(3) + "' of group '" + longForm.group(2) + "', not in '" + workspace.name()
                        + "'. Assets refer to datastores of their own workspace.");
            }
            return Optional.of(new AssetUri(longForm.group(4), longForm.group(5)));
        }
        if (uri.regionMatches(true, 0, "azureml:", 0, 8)) {
            throw new ArmException(ErrorCode.InvalidResourceReference, "'" + uri + "' is not a datastore path. Use "
                    + "azureml://datastores/<datastore>/paths/<path>.");
        }
        return Optional.empty();
    }

    /** The long form, which names the workspace too. */
    public static String longForm(ResourceId workspace, String datastore, String path) {
        return "azureml://subscriptions/" + workspace.subscriptionId() + "/resourcegroups/" + workspace.resourceGroup()
                + "/workspaces/" + workspace.name() + "/datastores/" + datastore + "/paths/" + path;
    }
}
