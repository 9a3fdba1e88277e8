package dev.amlite.control.policy;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoreVendor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyEngineTest {
    @TempDir
    Path temporary;

    private static void assign(ResourceStore store, ResourceId scope, String name, String definition, String parameters) {
        var document = Json.object();
        var properties = document.putObject("properties");
        properties.put("policyDefinitionId", "/providers/Microsoft.Authorization/policyDefinitions/" + definition);
        properties.set("parameters", Json.parse(parameters));
        store.insert(scope.provider("Microsoft.Authorization", "policyAssignments", name), null, document);
    }

    @Test
    void everyViolationIsReportedAndScopesInheritDownward() {
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2))) {
            ResourceStore store = new ResourceStore(database, Clock.systemUTC());
            PolicyEngine engine = new PolicyEngine(store, Clock.systemUTC(), Duration.ofMinutes(1));
            ResourceId subscription = ResourceId.subscription("s1");
            ResourceId group = ResourceId.resourceGroup("s1", "g1");
            assign(store, subscription, "only-japan", "e56962a6-4747-49cd-b67b-bf8b01975c4c",
                    "{\"listOfAllowedLocations\":{\"value\":[\"japaneast\",\"japanwest\"]}}");
            assign(store, group, "need-owner", "871b6d14-10aa-478d-b590-94f262ecfa99", "{\"tagName\":{\"value\":\"owner\"}}");
            assign(store, group, "no-aks", "6c112d4e-5bc7-47ae-a041-ea2d9dccd749",
                    "{\"listOfResourceTypesNotAllowed\":{\"value\":[\"Microsoft.ContainerService/managedClusters\"]}}");

            ResourceId aks = group.provider("Microsoft.ContainerService", "managedClusters", "k");
            assertThatThrownBy(() -> engine.enforce(new PolicyEngine.Candidate(aks, "Microsoft.ContainerService/managedClusters",
                    "eastus", Json.object())))
                    .isInstanceOfSatisfying(ArmException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RequestDisallowedByPolicy);
                        assertThat(e.toError().details()).hasSize(3);
                    });
            ResourceId storage = group.provider("Microsoft.Storage", "storageAccounts", "s");
            assertThatCode(() -> engine.enforce(new PolicyEngine.Candidate(storage, "Microsoft.Storage/storageAccounts",
                    "japanwest", Json.parse("{\"Owner\":\"me\"}")))).doesNotThrowAnyException();
            assertThatCode(() -> engine.enforce(new PolicyEngine.Candidate(ResourceId.resourceGroup("s1", "elsewhere"),
                    "Microsoft.Resources/resourceGroups", "eastus", Json.object())))
                    .as("Allowed locations skips resource groups, as Azure's does").doesNotThrowAnyException();
            ResourceId otherGroup = ResourceId.resourceGroup("s1", "g2").provider("Microsoft.Storage", "storageAccounts", "s");
            assertThatCode(() -> engine.enforce(new PolicyEngine.Candidate(otherGroup, "Microsoft.Storage/storageAccounts",
                    "japaneast", Json.object()))).as("group-scoped tag policy does not reach another group")
                    .doesNotThrowAnyException();
        }
    }
}
