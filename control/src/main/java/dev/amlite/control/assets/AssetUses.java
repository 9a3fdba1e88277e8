package dev.amlite.control.assets;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * What goes on needing asset versions after naming them — a deployment starts its instances from its model and code
 * again after every restart, a queued job copies its code and inputs when it starts — asked before a version, or an
 * asset with all its versions, is deleted. A delete that would leave one of them without its files is refused,
 * naming them: the alternative is a deployment that serves until the next restart and then cannot start.
 */
public final class AssetUses {
    private static final int NAMED = 5;

    /** One feature that uses asset versions. */
    @FunctionalInterface
    public interface User {
        /**
         * What in {@code workspace} uses a version {@code deleted} accepts, each as a user reads it ("online deployment
         * 'blue' of endpoint 'ep1'"); empty when nothing does.
         */
        List<String> using(ResourceId workspace, Predicate<ResourceId> deleted);
    }

    private final List<User> users = new CopyOnWriteArrayList<>();

    void add(User user) {
        users.add(user);
    }

    /** Refuses deleting {@code version} of a {@code kind} asset while something uses it. */
    void refuseVersionDelete(AssetKind kind, ResourceId version) {
        refuse(kind, version.parent().parent(), id -> id.key().equals(version.key()), kind.label() + " '"
                + version.parent().name() + "' version '" + version.name() + "' is used by ");
    }

    /** Refuses deleting the {@code kind} asset {@code container} (with its versions) while one of them is used. */
    void refuseAssetDelete(AssetKind kind, ResourceId container) {
        refuse(kind, container.parent(), id -> id.parent() != null && id.parent().key().equals(container.key()),
                kind.label() + " '" + container.name() + "' has versions in use by ");
    }

    private void refuse(AssetKind kind, ResourceId workspace, Predicate<ResourceId> deleted, String what) {
        List<String> uses = new ArrayList<>();
        for (User user : users) {
            uses.addAll(user.using(workspace, deleted));
        }
        if (uses.isEmpty()) {
            return;
        }
        String named = String.join(", ", uses.subList(0, Math.min(NAMED, uses.size())))
                + (uses.size() > NAMED ? " and " + (uses.size() - NAMED) + " more" : "");
        throw new ArmException(ErrorCode.Conflict, what + named + ". Delete a deployment, or update it to another "
                + "version, and cancel a job or let it end, before deleting this."
                + (kind == AssetKind.CODE ? "" : " To hide it from lists instead, archive it ('amlite ml "
                + kind.label().toLowerCase(Locale.ROOT) + " archive')."));
    }

    /** Whether {@code reference}, an asset id as a deployment or job stores it (or null), is one {@code deleted} accepts. */
    public static boolean names(String reference, Predicate<ResourceId> deleted) {
        String id = reference == null ? "" : reference.startsWith("azureml:") ? reference.substring(8) : reference;
        if (!id.toLowerCase(Locale.ROOT).startsWith("/subscriptions/")) {
            return false;
        }
        try {
            return deleted.test(ResourceId.parse(id));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
