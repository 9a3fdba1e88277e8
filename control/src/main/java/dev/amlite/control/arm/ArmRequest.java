package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.identity.Caller;
import dev.amlite.core.ArmException;
import dev.amlite.core.ArmPath;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.Map;
import java.util.OptionalInt;
import static java.util.Objects.requireNonNull;

/**
 * One authenticated management request as handlers see it. {@code baseUrl} is how the client reached us and
 * {@code clientAddress} the IP address it came from (private endpoints decide on it); {@code preconditions} its
 * If-Match and If-None-Match, which the front door checked against the stored resource before the handler ran
 * and {@code TrackedResources.place} checks again against the row a PUT will write.
 */
public record ArmRequest(String method, ArmPath path, String apiVersion, JsonNode body, Map<String, String> query,
                         Caller caller, String requestId, String baseUrl, String clientAddress,
                         Preconditions preconditions) {
    public ArmRequest {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        query = Map.copyOf(query);
        preconditions = preconditions == null ? Preconditions.NONE : preconditions;
    }

    public ResourceId resource() {
        return path.resource();
    }

    /** The body as a JSON object; anything else is the client's mistake. */
    public ObjectNode bodyObject() {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw new ArmException(ErrorCode.InvalidRequestContent,
                    "The request content is empty. A JSON object is required for " + method + " " + path.resource().id() + ".");
        }
        if (!body.isObject()) {
            throw new ArmException(ErrorCode.InvalidRequestContent,
                    "The request content must be a JSON object, but it was a JSON " + body.getNodeType().name().toLowerCase() + ".");
        }
        return (ObjectNode) body;
    }

    public String queryParameter(String name) {
        for (Map.Entry<String, String> entry : query.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /**
     * {@code $top}: how many items of a list the caller wants, as asset version lists take it (and job lists, an
     * amlite addition clients that do not send it never see). Empty when not given; 400 when not a whole number 0 or
     * more.
     */
    public OptionalInt top() {
        String top = queryParameter("$top");
        if (top == null) {
            return OptionalInt.empty();
        }
        if (!top.matches("\\d{1,9}")) {
            throw new ArmException(ErrorCode.InvalidParameter, "$top must be a whole number, 0 or more; '" + top
                    + "' was given.");
        }
        return OptionalInt.of(Integer.parseInt(top));
    }

    /** The same caller and connection asking for something else: how one provider drives another's handler. */
    public ArmRequest derived(String method, ResourceId resource, String apiVersion, JsonNode body) {
        return new ArmRequest(method, new ArmPath(resource, null, null), apiVersion, body, Map.of(), caller, requestId,
                baseUrl, clientAddress, Preconditions.NONE);
    }

    /** An absolute URL on this server for an ARM path, carrying the request's api-version. */
    public String url(String path) {
        return baseUrl + path + "?api-version=" + apiVersion;
    }
}
