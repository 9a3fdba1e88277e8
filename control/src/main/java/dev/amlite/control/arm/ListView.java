package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.store.StoredResource;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * ARM's {@code listViewType} of Azure ML's lists (asset containers, asset versions, jobs): which of the resources,
 * by their {@code properties.isArchived}, a list shows. Archived ones are hidden unless asked for, as in Azure.
 */
public enum ListView {
    ACTIVE_ONLY("ActiveOnly"),
    ARCHIVED_ONLY("ArchivedOnly"),
    ALL("All");

    private final String wireName;

    ListView(String wireName) {
        this.wireName = wireName;
    }

    /** The request's {@code listViewType} (any case; ActiveOnly when absent), or a 400 naming the allowed ones. */
    public static ListView of(ArmRequest request) {
        String given = Optional.ofNullable(request.queryParameter("listViewType")).orElse(ACTIVE_ONLY.wireName);
        return Arrays.stream(values()).filter(view -> view.wireName.equalsIgnoreCase(given)).findFirst()
                .orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter, "listViewType must be "
                        + Arrays.stream(values()).map(view -> view.wireName).collect(Collectors.joining(", "))
                        + "; '" + given + "' was given."));
    }

    public boolean shows(StoredResource row) {
        boolean archived = row.document().path("properties").path("isArchived").asBoolean(false);
        return switch (this) {
            case ACTIVE_ONLY -> !archived;
            case ARCHIVED_ONLY -> archived;
            case ALL -> true;
        };
    }
}
