package dev.amlite.core;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArmPathTest {
    @Test
    void resourceGroupPathIsAGroup() {
        ArmPath path = ArmPath.parse("/subscriptions/s1/resourcegroups/RG1");
        assertThat(path.trailing()).isNull();
        assertThat(path.resource().isResourceGroup()).isTrue();
        assertThat(path.resource().name()).isEqualTo("RG1");
        assertThat(path.resource().scope()).isEqualTo("/subscriptions/s1");
    }

    @Test
    void nestedResourceKeepsCaseButMatchesWithout() {
        ResourceId id = ResourceId.parse(
                "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/W1/onlineEndpoints/E1");
        assertThat(id.type()).isEqualTo("Microsoft.MachineLearningServices/workspaces/onlineEndpoints");
        assertThat(id.name()).isEqualTo("E1");
        assertThat(id.parent().name()).isEqualTo("W1");
        assertThat(id.key()).isEqualTo(id.id().toLowerCase());
        assertThat(id.scopeChainKeys()).containsExactly(
                id.key(),
                "/subscriptions/s1/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/w1",
                "/subscriptions/s1/resourcegroups/rg", "/subscriptions/s1", "/");
    }

    @Test
    void collectionsActionsAndNamespaces() {
        assertThat(ArmPath.parse("/subscriptions").trailing()).isEqualTo("subscriptions");
        assertThat(ArmPath.parse("/subscriptions/s/resourcegroups").trailing()).isEqualTo("resourceGroups");
        ArmPath list = ArmPath.parse("/subscriptions/s/providers/Microsoft.Storage/storageAccounts");
        assertThat(list.collectionType()).isEqualTo("Microsoft.Storage/storageAccounts");
        ArmPath provider = ArmPath.parse("/subscriptions/s/providers/Microsoft.Storage");
        assertThat(provider.providerNamespace()).isEqualTo("Microsoft.Storage");
        assertThat(provider.trailing()).isNull();
        ArmPath action = ArmPath.parse("/subscriptions/s/resourceGroups/g/providers/A.B/ws/w1/listKeys");
        assertThat(action.resource().name()).isEqualTo("w1");
        assertThat(action.trailing()).isEqualTo("listKeys");
        assertThat(action.collectionType()).isEqualTo("A.B/ws/listKeys");
    }

    @Test
    void extensionResourcesAtEveryScope() {
        ResourceId atRoot = ResourceId.parse("/providers/Microsoft.Authorization/roleAssignments/a1");
        assertThat(atRoot.scope()).isEqualTo("/");
        assertThat(atRoot.type()).isEqualTo("Microsoft.Authorization/roleAssignments");
        ResourceId onGroup = ResourceId.parse(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.Authorization/roleAssignments/a2");
        assertThat(onGroup.scope()).isEqualTo("/subscriptions/s/resourceGroups/g");
        assertThat(onGroup.resourceGroup()).isEqualTo("g");
        ResourceId onResource = ResourceId.parse(
                "/subscriptions/s/resourceGroups/g/providers/A.B/ws/w/providers/Microsoft.Authorization/roleAssignments/a3");
        assertThat(onResource.parent().type()).isEqualTo("A.B/ws");
    }

    @Test
    void containment() {
        ResourceId group = ResourceId.resourceGroup("s", "g");
        assertThat(group.contains(ResourceId.parse("/subscriptions/S/resourceGroups/G/providers/A.B/t/n"))).isTrue();
        assertThat(group.contains(ResourceId.resourceGroup("s", "g2"))).isFalse();
        assertThat(ResourceId.ROOT.contains(group)).isTrue();
    }

    @Test
    void garbageIsRejectedWithTheExpectedShape() {
        assertThatThrownBy(() -> ArmPath.parse("/subscriptions/s/foo/bar/baz"))
                .isInstanceOf(ArmException.class)
                .hasMessageContaining("/subscriptions/{id}/resourceGroups/{group}");
        assertThatThrownBy(() -> ResourceId.parse("/subscriptions/s/resourceGroups"))
                .isInstanceOf(ArmException.class);
    }
}
