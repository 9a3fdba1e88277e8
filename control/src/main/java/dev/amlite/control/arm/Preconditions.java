package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.Optional;

/**
 * A write's {@code If-Match} and {@code If-None-Match} headers, as ARM resource providers honour them: {@code
 * If-None-Match: *} creates only, {@code If-Match: *} changes only what exists, {@code If-Match: <etag>} changes only
 * the version the client read. Null members were not sent.
 */
public record Preconditions(String ifMatch, String ifNoneMatch) {
    public static final Preconditions NONE = new Preconditions(null, null);

    public Preconditions {
        ifMatch = blankToNull(ifMatch);
        ifNoneMatch = blankToNull(ifNoneMatch);
        if (ifNoneMatch != null && !ifNoneMatch.equals("*")) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "If-None-Match is '" + ifNoneMatch + "'; on a "
                    + "write only '*' (create, do not replace) is allowed.");
        }
    }

    /** Whether the client asked that the resource be made, never replaced. */
    public boolean createOnly() {
        return ifNoneMatch != null;
    }

    /**
     * Checks the conditions against what is stored: {@code etag} is the resource's current etag, empty when it does
     * not exist. Fails with 412 PreconditionFailed saying which condition failed.
     */
    public void check(ResourceId resource, Optional<String> etag) {
        if (createOnly() && etag.isPresent()) {
            throw existsAlready(resource);
        }
        if (ifMatch == null) {
            return;
        }
        if (etag.isEmpty()) {
            throw new ArmException(ErrorCode.PreconditionFailed, "The resource '" + resource.id() + "' does not exist, "
                    + "and the request asked to change it only as it was (If-Match: " + ifMatch + "). Leave the header out "
                    + "to create it.");
        }
        if (!ifMatch.equals("*") && !unquoted(ifMatch).equals(unquoted(etag.get()))) {
            throw new ArmException(ErrorCode.PreconditionFailed, "The resource '" + resource.id() + "' has etag "
                    + etag.get() + ", not " + ifMatch + " (If-Match): it changed since it was read. Read it again and "
                    + "retry.");
        }
    }

    /**
     * Whether a write that failed with {@code failure} is applied again. It is when another request changed its
     * resource between the handler's read and its write (PreconditionFailed from the store), or made it between the
     * handler's finding it absent and its create, and the client set no condition: that asks for last-writer-wins,
     * as ARM gives it, so the server reads again and applies the request again (PUT, PATCH and DELETE are
     * idempotent) instead of handing the race to the client. A create-only write that lost the race to create fails
     * with 412, as it would have a moment later; any other failure is the answer.
     */
    public boolean applyAgain(ArmException failure, ResourceId resource) {
        boolean made = failure.isAlreadyMade(resource);
        if (made && createOnly()) {
            throw existsAlready(resource);
        }
        return equals(NONE) && (made || failure.code() == ErrorCode.PreconditionFailed);
    }

    private static ArmException existsAlready(ResourceId resource) {
        return new ArmException(ErrorCode.PreconditionFailed, "The resource '" + resource.id() + "' exists already, "
                + "and the request asked to create it only (If-None-Match: *). Leave the header out to replace it, or "
                + "choose another name.");
    }

    private static String unquoted(String etag) {
        String value = etag.startsWith("W/") ? etag.substring(2) : etag;
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
