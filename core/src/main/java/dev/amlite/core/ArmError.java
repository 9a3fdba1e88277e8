package dev.amlite.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import static java.util.Objects.requireNonNull;

/** ARM's error body: {@code {"error":{"code","message","target","details"}}} without the outer wrapper. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArmError(String code, String message, String target, List<ArmError> details) {
    public ArmError {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        details = details == null ? null : List.copyOf(details);
    }

    public static ArmError of(ErrorCode code, String message) {
        return new ArmError(code.name(), message, null, null);
    }
}
