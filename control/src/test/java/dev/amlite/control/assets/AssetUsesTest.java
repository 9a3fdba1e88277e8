package dev.amlite.control.assets;

import dev.amlite.core.ArmException;
import dev.amlite.core.ResourceId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AssetUsesTest {
    static final ResourceId WORKSPACE = ResourceId.parse("/subscriptions/s/resourceGroups/rg/providers/"
            + "Microsoft.MachineLearningServices/workspaces/mlw");
    static final ResourceId MODEL = WORKSPACE.child("models", "m");
    static final ResourceId VERSION_1 = MODEL.child("versions", "1");
    static final ResourceId VERSION_2 = MODEL.child("versions", "2");

    /** A feature holding the given references; it names each use by the reference's part after "models/". */
    static AssetUses.User holding(List<ResourceId> asked, String... references) {
        return (workspace, deleted) -> {
            asked.add(workspace);
            List<String> users = new ArrayList<>();
            for (String reference : references) {
                if (AssetUses.names(reference, deleted)) {
                    users.add("holder of " + reference.substring(reference.toLowerCase(Locale.ROOT)
                            .lastIndexOf("/models/") + 8));
                }
            }
            return users;
        };
    }

    @Test
    void aVersionInUseIsRefusedNamingWhatUsesItAndAnotherIsNot() {
        AssetUses uses = new AssetUses();
        List<ResourceId> asked = new ArrayList<>();
        uses.add(holding(asked, "azureml:" + VERSION_1.id().toUpperCase(Locale.ROOT)));

        assertThatThrownBy(() -> uses.refuseVersionDelete(AssetKind.MODEL, VERSION_1))
                .isInstanceOf(ArmException.class)
                .hasMessageContaining("Model 'm' version '1' is used by holder of M/VERSIONS/1.")
                .hasMessageContaining("amlite ml model archive");
        uses.refuseVersionDelete(AssetKind.MODEL, VERSION_2);
        assertThat(asked).containsOnly(WORKSPACE);
    }

    @Test
    void anAssetIsRefusedWhenAnyOfItsVersionsIsUsedNotWhenAnotherAssetsIs() {
        AssetUses uses = new AssetUses();
        List<ResourceId> asked = new ArrayList<>();
        uses.add(holding(asked, VERSION_2.id()));

        assertThatThrownBy(() -> uses.refuseAssetDelete(AssetKind.MODEL, MODEL))
                .hasMessageContaining("Model 'm' has versions in use by holder of m/versions/2.");
        uses.refuseAssetDelete(AssetKind.MODEL, WORKSPACE.child("models", "m2"));
        uses.refuseAssetDelete(AssetKind.CODE, WORKSPACE.child("codes", "m"));
        assertThat(asked).containsOnly(WORKSPACE);
    }

    @Test
    void everyFeatureIsAskedAndUsesBeyondTheFirstFiveAreCounted() {
        AssetUses uses = new AssetUses();
        List<ResourceId> asked = new ArrayList<>();
        String[] seven = new String[7];
        Arrays.fill(seven, VERSION_1.id());
        uses.add(holding(asked, seven));
        uses.add(holding(asked, VERSION_1.id()));

        assertThatThrownBy(() -> uses.refuseVersionDelete(AssetKind.CODE, VERSION_1))
                .hasMessageContaining("and 3 more.")
                .satisfies(e -> assertThat(e.getMessage()).as("code has no archive").doesNotContain("archive"));
        assertThat(asked).hasSize(2);
    }

    @Test
    void onlyAssetIdsAreReferences() {
        Predicate<ResourceId> any = id -> true;
        assertThat(AssetUses.names(null, any)).isFalse();
        assertThat(AssetUses.names("azureml://datastores/workspaceblobstore/paths/x", any)).isFalse();
        assertThat(AssetUses.names("/subscriptions/", any)).isFalse();
        assertThat(AssetUses.names(VERSION_1.id(), any)).isTrue();
        assertThat(AssetUses.names(VERSION_1.id(), id -> id.key().equals(VERSION_2.key()))).isFalse();
    }
}
