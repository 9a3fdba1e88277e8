package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Operation;
import dev.amlite.store.OperationStatus;
import dev.amlite.store.OperationStore;
import static java.util.Objects.requireNonNull;

/**
 * The two ways ARM clients poll a long-running operation (RM-5): {@code operationStatuses/{id}} (the
 * Azure-AsyncOperation header) always answers 200 with a status; {@code operationResults/{id}} (the Location
 * header) answers 202 while running, then 204, or the operation's error with its status code.
 */
public final class OperationStatusHandler implements ResourceTypeHandler {
    private final OperationStore store;
    private final OperationRunner runner;
    private final boolean results;
    private final Authorizer authorizer;

    public OperationStatusHandler(OperationRunner runner, boolean results, Authorizer authorizer) {
        this.runner = requireNonNull(runner, "runner is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
        this.store = runner.store();
        this.results = results;
    }

    @Override
    public ArmResponse get(ArmRequest request) {
        Operation operation = store.get(request.resource().name())
                .filter(op -> op.subscriptionId() != null
                        && op.subscriptionId().equalsIgnoreCase(request.resource().subscriptionId()))
                .filter(op -> authorizer.hasAnyAccess(request.caller().objectId(), ResourceId.parse(op.resourceId())))
                .orElseThrow(() -> new ArmException(ErrorCode.OperationNotFound, "Operation '"
                        + request.resource().name() + "' was not found in this subscription."));
        return results ? result(request, operation) : ArmResponse.ok(status(request, operation));
    }

    private ArmResponse result(ArmRequest request, Operation operation) {
        if (operation.status() == OperationStatus.InProgress) {
            return new ArmResponse(202, null, runner.asyncHeaders(request, operation));
        }
        if (operation.status() == OperationStatus.Succeeded) {
            return ArmResponse.noContent();
        }
        JsonNode error = operation.error() == null ? Json.object() : Json.parse(operation.error());
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(error.path("code").asText());
        } catch (IllegalArgumentException e) {
            code = ErrorCode.InternalServerError;
        }
        ObjectNode body = Json.object();
        body.set("error", error);
        return new ArmResponse(code.httpStatus(), body, java.util.Map.of());
    }

    private static ObjectNode status(ArmRequest request, Operation operation) {
        ObjectNode node = Json.object();
        node.put("id", request.resource().id());
        node.put("name", operation.id());
        node.put("status", operation.status().name());
        node.put("startTime", operation.createdAt().toString());
        if (operation.endedAt() != null) {
            node.put("endTime", operation.endedAt().toString());
        }
        if (operation.error() != null) {
            node.set("error", Json.parse(operation.error()));
        }
        if (operation.status() == OperationStatus.Succeeded) {
            // What an operation reports besides success (a move validation: what would stay behind).
            JsonNode result = Json.parse(operation.request()).path("result");
            if (result.isObject()) {
                node.set("properties", result);
            }
        }
        node.put("resourceId", operation.resourceId());
        return node;
    }
}
