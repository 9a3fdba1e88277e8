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

    public ArmException(ErrorCode code, String message) {
        this(code, message, null, List.of());
    }

    public ArmException(ErrorCode code, String message, String target, List<ArmError> details) {
        super(message, null, false, false);
        this.code = requireNonNull(code, "code is null");
        this.target = target;
        this.details = List.copyOf(details);
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
