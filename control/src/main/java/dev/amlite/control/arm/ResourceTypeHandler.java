package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;

/**
 * A provider's handling of one resource type. The front door has already authenticated, throttled and
 * authorised the request; a handler validates, applies policy, stores and answers. Methods a type does not
 * support answer 405 with the methods it does.
 */
public interface ResourceTypeHandler {
    default ArmResponse get(ArmRequest request) {
        throw unsupported(request);
    }

    default ArmResponse head(ArmRequest request) {
        ArmResponse response = get(request);
        return ArmResponse.status(response.status());
    }

    default ArmResponse put(ArmRequest request) {
        throw unsupported(request);
    }

    default ArmResponse patch(ArmRequest request) {
        throw unsupported(request);
    }

    default ArmResponse delete(ArmRequest request) {
        throw unsupported(request);
    }

    /** GET on a collection of this type below {@code request.path().resource()}. */
    default ArmResponse list(ArmRequest request) {
        throw unsupported(request);
    }

    /** POST {resource}/{action}. */
    default ArmResponse action(ArmRequest request, String action) {
        throw new ArmException(ErrorCode.NotFound, "The action '" + action + "' is not defined on '"
                + request.resource().type() + "'.");
    }

    private static ArmException unsupported(ArmRequest request) {
        return new ArmException(ErrorCode.MethodNotAllowed, "The method '" + request.method()
                + "' is not supported on '" + request.path().resource().id() + "'.");
    }
}
