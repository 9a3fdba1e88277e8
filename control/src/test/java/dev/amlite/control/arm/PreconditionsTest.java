package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreconditionsTest {
    private static final ResourceId ID = ResourceId.parse("/subscriptions/s/resourceGroups/g");
    private static final Optional<String> STORED = Optional.of("\"3f2a\"");

    @Test
    void ifMatchComparesEtagsQuotedOrNotAndWeakOrNot() {
        for (String given : new String[] {"\"3f2a\"", "3f2a", "W/\"3f2a\"", " \"3f2a\" ", "*"}) {
            assertThatCode(() -> new Preconditions(given, null).check(ID, STORED)).as(given).doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> new Preconditions("\"3f2b\"", null).check(ID, STORED))
                .isInstanceOfSatisfying(ArmException.class, e -> org.assertj.core.api.Assertions.assertThat(e.code())
                        .isEqualTo(ErrorCode.PreconditionFailed)).hasMessageContaining("changed since it was read");
        assertThatThrownBy(() -> new Preconditions("*", null).check(ID, Optional.empty()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void ifNoneMatchIsCreateOnlyAndTakesOnlyAStar() {
        assertThatCode(() -> new Preconditions(null, "*").check(ID, Optional.empty())).doesNotThrowAnyException();
        assertThatThrownBy(() -> new Preconditions(null, "*").check(ID, STORED)).hasMessageContaining("exists already");
        assertThatThrownBy(() -> new Preconditions(null, "\"3f2a\"")).isInstanceOfSatisfying(ArmException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(ErrorCode.InvalidRequestContent));
        assertThatCode(() -> new Preconditions(" ", "").check(ID, Optional.empty())).as("blank headers are none")
                .doesNotThrowAnyException();
    }
}
