package dev.amlite.control.workspace;

import dev.amlite.core.ArmException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceNamesTest {
    @Test
    void threeToThirtyThreeAsciiCharacters() {
        assertThatCode(() -> WorkspaceNames.check("abc")).doesNotThrowAnyException();
        assertThatCode(() -> WorkspaceNames.check("a".repeat(33))).doesNotThrowAnyException();
        assertThatCode(() -> WorkspaceNames.check("9_ws-A")).doesNotThrowAnyException();
        assertThatThrownBy(() -> WorkspaceNames.check("ab")).hasMessageContaining("'ab' has 2");
        assertThatThrownBy(() -> WorkspaceNames.check("a".repeat(34))).hasMessageContaining("has 34");
        assertThatThrownBy(() -> WorkspaceNames.check("-abc")).isInstanceOf(ArmException.class);
        assertThatThrownBy(() -> WorkspaceNames.check("my ws")).hasMessageContaining("space at position 3");
        assertThatThrownBy(() -> WorkspaceNames.check("データ")).hasMessageContaining("kana or kanji");
    }

    @Test
    void dependentNamesFitEachTypesRules() {
        String guid = UUID.randomUUID().toString();
        for (String workspace : new String[] {"mlw-basic", "9_very_long_workspace_name_of_33c", "ABC"}) {
            String storage = WorkspaceDependencies.name(WorkspaceDependencies.Kind.STORAGE, workspace, guid);
            assertThat(storage).matches("[a-z0-9]{3,24}");
            String vault = WorkspaceDependencies.name(WorkspaceDependencies.Kind.KEY_VAULT, workspace, guid);
            assertThat(vault).matches("[a-z][a-z0-9]{1,22}[a-z0-9]");
            String registry = WorkspaceDependencies.name(WorkspaceDependencies.Kind.REGISTRY, workspace, guid);
            assertThat(registry).matches("[a-z0-9]{5,50}");
        }
    }
}
