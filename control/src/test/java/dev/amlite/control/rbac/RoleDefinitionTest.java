package dev.amlite.control.rbac;

import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class RoleDefinitionTest {
    private static RoleDefinition role(String name) {
        return BuiltInRoles.all().stream().filter(r -> r.roleName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void contributorCanDoEverythingButAuthorization() {
        CompiledRole contributor = CompiledRole.of(role("Contributor"));
        assertThat(contributor.allowsAction("Microsoft.Resources/subscriptions/resourceGroups/write")).isTrue();
        assertThat(contributor.allowsAction("microsoft.storage/storageaccounts/delete")).isTrue();
        assertThat(contributor.allowsAction("Microsoft.Authorization/roleAssignments/write")).isFalse();
        assertThat(contributor.allowsAction("Microsoft.Authorization/roleAssignments/read")).isTrue();
    }

    @Test
    void readerOnlyReads() {
        CompiledRole reader = CompiledRole.of(role("Reader"));
        assertThat(reader.allowsAction("Microsoft.Storage/storageAccounts/read")).isTrue();
        assertThat(reader.allowsAction("Microsoft.Storage/storageAccounts/write")).isFalse();
        assertThat(reader.allowsAction("Microsoft.Storage/storageAccounts/listKeys/action")).isFalse();
    }

    @Test
    void dataScientistCannotTouchComputesOrTheWorkspaceItself() {
        CompiledRole scientist = CompiledRole.of(role("AzureML Data Scientist"));
        String ml = "Microsoft.MachineLearningServices/workspaces";
        assertThat(scientist.allowsAction(ml + "/onlineEndpoints/write")).isTrue();
        assertThat(scientist.allowsAction(ml + "/computes/write")).isFalse();
        assertThat(scientist.allowsAction(ml + "/computes/delete")).isFalse();
        assertThat(scientist.allowsAction(ml + "/computes/read")).isTrue();
        assertThat(scientist.allowsAction(ml + "/write")).isFalse();
        assertThat(scientist.allowsAction(ml + "/listKeys/action")).isFalse();
        assertThat(scientist.allowsDataAction(ml + "/onlineEndpoints/score/action")).isTrue();
    }

    @Test
    void wildcardsMatchAcrossSegmentsAndIgnoreCase() {
        CompiledRole custom = CompiledRole.of(new RoleDefinition("x", "Endpoint operator", "", false,
                List.of("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*"), List.of(), List.of(), List.of(),
                List.of("/")));
        assertThat(custom.allowsAction("microsoft.machinelearningservices/workspaces/onlineendpoints/deployments/write")).isTrue();
        assertThat(custom.allowsAction("Microsoft.MachineLearningServices/workspaces/write")).isFalse();
        assertThat(ActionPattern.of("a.b/*/read").matches("a.b/x/y/read")).isTrue();
        assertThat(ActionPattern.of("a.b/*/read").matches("a.b/x/write")).isFalse();
    }
}
