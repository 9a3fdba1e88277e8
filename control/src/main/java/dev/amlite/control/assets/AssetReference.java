package dev.amlite.control.assets;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import java.util.Arrays;
import java.util.Locale;

/**
 * An asset version named by a deployment or job: {@code azureml:<name>:<version>}, {@code azureml:/subscriptions/…}
 * or an ARM id, in the workspace of whoever names it.
 */
public final class AssetReference {
    private AssetReference() {
    }

    /** The ARM id of the version; null when nothing was given. Does not check that it exists. */
    public static String resolve(ResourceId workspace, String given, String segment, String label, String user) {
        if (given == null || given.isBlank()) {
            return null;
        }
        String value = given.startsWith("azureml:") ? given.substring(8) : given;
        if (value.startsWith("//registries/")) {
            // Azure's shared registries (the curated environments among them) have no counterpart here.
            throw new ArmException(ErrorCode.InvalidParameter, "The " + label + " reference '" + given + "' names a "
                    + "registry; amlite has no registries. Register the " + label + " in the workspace ('amlite ml "
                    + segmentCommand(segment) + " create') and name it azureml:<name>:<version>.");
        }
        ResourceId id;
        if (value.startsWith("/")) {
            try {
                id = ResourceId.parse(value);
            } catch (RuntimeException e) {
                throw new ArmException(ErrorCode.InvalidParameter, "The " + label + " reference '" + given + "' is "
                        + "not a valid ARM id.");
            }
            if (id.parent() == null || id.parent().parent() == null
                    || !id.parent().parent().key().equals(workspace.key())) {
                throw new ArmException(ErrorCode.InvalidParameter, "The " + label + " '" + given + "' is not in "
                        + "workspace '" + workspace.name() + "'; a " + user + " uses assets of its own workspace.");
            }
        } else {
            String[] parts = value.split(":");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ArmException(ErrorCode.InvalidParameter, "The " + label + " reference '" + given
                        + "' must be azureml:<name>:<version> or an ARM id.");
            }
            id = workspace.child(segment, parts[0]).child("versions", parts[1]);
        }
        return id.id();
    }

    /** The CLI's word for the kind of asset under {@code segment} ('environments' → 'environment'). */
    private static String segmentCommand(String segment) {
        return Arrays.stream(AssetKind.values())
                .filter(kind -> kind.containerType().endsWith("/" + segment)).findFirst()
                .map(kind -> kind.label().toLowerCase(Locale.ROOT)).orElse(segment);
    }

    /** Refuses a reference to a version that is not registered, naming the command that lists them. */
    public static void requireExists(ResourceStore store, String reference, String label) {
        if (reference != null && !store.exists(ResourceId.parse(reference))) {
            ResourceId id = ResourceId.parse(reference);
            throw new ArmException(ErrorCode.InvalidResourceReference, label + " '" + id.parent().name()
                    + "' version '" + id.name() + "' does not exist in workspace '" + id.parent().parent().name()
                    + "'. 'amlite ml " + label.toLowerCase(Locale.ROOT) + " list' shows what is registered.");
        }
    }
}
