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

    @Test
    void aWriteThatLostARaceIsAppliedAgainOnlyWhenTheClientSetNoCondition() {
        ArmException made = ArmException.alreadyMade(ID);
        ArmException changed = new ArmException(ErrorCode.PreconditionFailed, "etag changed");
        org.assertj.core.api.Assertions.assertThat(made.getMessage()).as("a loser after every retry learns what to do")
                .contains("another request created it").contains("send this request again");
        org.assertj.core.api.Assertions.assertThat(Preconditions.NONE.applyAgain(made, ID)).isTrue();
        org.assertj.core.api.Assertions.assertThat(Preconditions.NONE.applyAgain(changed, ID)).isTrue();
        org.assertj.core.api.Assertions.assertThat(Preconditions.NONE.applyAgain(
                ArmException.alreadyMade(ResourceId.parse("/subscriptions/s/resourceGroups/other")), ID))
                .as("another resource it made (a workspace's storage account) is not its own race").isFalse();
        org.assertj.core.api.Assertions.assertThat(Preconditions.NONE.applyAgain(
                new ArmException(ErrorCode.Conflict, "in use"), ID)).isFalse();
        org.assertj.core.api.Assertions.assertThat(new Preconditions("\"3f2a\"", null).applyAgain(changed, ID))
                .as("If-Match: the change it was based on is gone").isFalse();
        assertThatThrownBy(() -> new Preconditions(null, "*").applyAgain(made, ID))
                .isInstanceOfSatisfying(ArmException.class, e -> org.assertj.core.api.Assertions.assertThat(e.code())
                        .isEqualTo(ErrorCode.PreconditionFailed)).hasMessageContaining("exists already");
    }
}
