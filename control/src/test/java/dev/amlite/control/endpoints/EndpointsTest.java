package dev.amlite.control.endpoints;

import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceState;
import dev.amlite.store.StoredResource;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointsTest {
    private static final ResourceId ENDPOINT = ResourceId.parse("/subscriptions/s/resourceGroups/g/providers/"
            + "Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/ep1");

    private static StoredResource row(ResourceId id, String provisioningState) {
        var document = Json.object();
        document.putObject("properties").put("provisioningState", provisioningState);
        return new StoredResource(id, "japaneast", document, "\"e\"", ResourceState.ACTIVE, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void aDeploymentOnItsWayOutSaysSoToWhoeverDeletesItsAssets() {
        ResourceId blue = ENDPOINT.child("deployments", "blue");
        assertThat(Endpoints.user(row(ENDPOINT, "Succeeded"), row(blue, "Succeeded")))
                .isEqualTo("online deployment 'blue' of endpoint 'ep1'");
        assertThat(Endpoints.user(row(ENDPOINT, "Succeeded"), row(blue, "Deleting")))
                .isEqualTo("online deployment 'blue' of endpoint 'ep1' (being deleted: wait for that delete to end)");
        assertThat(Endpoints.user(row(ENDPOINT, "Deleting"), row(blue, "Succeeded")))
                .contains("(being deleted with its endpoint");
    }
}
