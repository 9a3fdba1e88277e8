package dev.amlite.core;

import java.util.List;
import static java.util.Objects.requireNonNull;

/**
 * An error that becomes an ARM error response. Thrown by validation and providers, mapped to HTTP in exactly one
 * place (the front door's error mapper).
 */
public final class ArmException extends RuntimeException {
    private final ErrorCode code;
    private final String target;
    private final List<ArmError> details;
    /** The resource a create found already made (by another request at the same moment), or null. */
    private final ResourceId alreadyMade;

    public ArmException(ErrorCode code, String message) {
        this(code, message, null, List.of());
    }

    public ArmException(ErrorCode code, String message, String target, List<ArmError> details) {
        this(code, message, target, details, null);
    }

    private ArmException(ErrorCode code, String message, String target, List<ArmError> details,
                         ResourceId alreadyMade) {
        super(message, null, false, false);
        this.code = requireNonNull(code, "code is null");
        this.target = target;
        this.details = List.copyOf(details);
        this.alreadyMade = alreadyMade;
    }

    /**
     * Conflict: creating {@code id} found it made in the meantime. The front door tells it from other conflicts: a
     * PUT that lost the race to create its own resource is applied again, to what is there now.
     */
    public static ArmException alreadyMade(ResourceId id) {
        return new ArmException(ErrorCode.Conflict, "The resource '" + id.id() + "' already exists: another "
                + "request created it while this one was being applied. Read it (GET) to see what it holds; send this "
                + "request again to apply it to that resource.", null, List.of(),
                id);
    }

    /** Whether this is {@link #alreadyMade(ResourceId)} of {@code id}. */
    public boolean isAlreadyMade(ResourceId id) {
        return alreadyMade != null && alreadyMade.key().equals(id.key());
    }

    public ErrorCode code() {
        return code;
    }

    public int httpStatus() {
        return code.httpStatus();
    }

    public ArmError toError() {
        return new ArmError(code.name(), getMessage(), target, details.isEmpty() ? null : details);
    }

    public static ArmException notFound(ResourceId id) {
        if (id.isResourceGroup()) {
            return new ArmException(ErrorCode.ResourceGroupNotFound,
                    "Resource group '" + id.name() + "' could not be found.");
        }
        if (id.isSubscription()) {
            return new ArmException(ErrorCode.SubscriptionNotFound,
                    "The subscription '" + id.subscriptionId() + "' could not be found.");
        }
        return new ArmException(ErrorCode.ResourceNotFound,
                "The Resource '" + id.type() + "/" + id.name() + "' under resource group '"
                        + (id.resourceGroup() == null ? "" : id.resourceGroup()) + "' was not found.");
    }

    public static ArmException badRequest(String message) {
        return new ArmException(ErrorCode.InvalidRequestContent, message);
    }
}
