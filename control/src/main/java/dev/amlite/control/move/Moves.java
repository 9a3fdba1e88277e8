package dev.amlite.control.move;

import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.operations.OperationRunner;
import dev.amlite.control.operations.OperationWorker;
import dev.amlite.core.ArmError;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.store.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The move actions of a resource group (RM-7): {@code validateMoveResources} answers ARM's way — 202 with Location;
 * the operation then ends 204, or with {@code ResourceMoveValidationFailed} whose details list every problem at
 * once. The checks run when the request arrives, with the caller's rights; the operation carries their outcome (and
 * what the move would leave behind, shown by the operation status). {@code moveResources} is not built yet
 * (issue 7): the store's {@code moveTree} is its base.
 */
public final class Moves {
    static final String VALIDATE = "resourceGroups.validateMoveResources";
    private final MoveValidation validation;
    private final OperationRunner operations;

    public Moves(MoveValidation validation, OperationRunner operations) {
        this.validation = validation;
        this.operations = operations;
        operations.register(VALIDATE, new OperationWorker() {
            @Override
            public void run(Operation operation) {
                var recorded = Json.parse(operation.request());
                List<ArmError> problems = new ArrayList<>();
                recorded.path("problems").forEach(p -> problems.add(Json.convert(p, ArmError.class)));
                if (!problems.isEmpty()) {
                    throw new ArmException(ErrorCode.ResourceMoveValidationFailed, recorded.path("message").asText(),
                            null, problems);
                }
            }

            @Override
            public boolean resumable() {
                return true;
            }
        });
    }

    /** Handles a POST action on a resource group; null when it is not a move action. */
    public ArmResponse action(ArmRequest request, String action) {
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "validatemoveresources" -> validate(request);
            default -> null;
        };
    }

    private ArmResponse validate(ArmRequest request) {
        MoveValidation.MoveRequest move = MoveValidation.MoveRequest.parse(request.resource(), request.body());
        MoveValidation.Outcome outcome = validation.validate(request.caller().objectId(), move);
        var recorded = Json.object();
        recorded.set("problems", outcome.json().get("problems"));
        recorded.putObject("result").set("leftBehind", outcome.json().get("leftBehind"));
        recorded.put("message", outcome.problems().isEmpty() ? "" : outcome.failure(move).getMessage());
        Operation operation = operations.start(VALIDATE, request.resource(), recorded);
        return operations.accepted(request, operation);
    }
}
