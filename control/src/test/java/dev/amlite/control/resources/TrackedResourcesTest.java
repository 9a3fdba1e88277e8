package dev.amlite.control.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.ManualClock;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.Preconditions;
import dev.amlite.control.catalog.Catalog;
import dev.amlite.control.identity.Caller;
import dev.amlite.control.policy.PolicyEngine;
import dev.amlite.core.ArmException;
import dev.amlite.core.ArmPath;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.PrincipalKind;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoreVendor;
import dev.amlite.store.StoredResource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackedResourcesTest {
    @TempDir
    Path temporary;

    private static final Caller ADMIN = new Caller("oid", "tid", PrincipalKind.User, "admin", "Admin",
            Instant.now().plusSeconds(3600));

    private static ArmRequest put(ResourceId id, Preconditions conditions) {
        return new ArmRequest("PUT", ArmPath.parse(id.id()), "2024-04-01", Json.parse("{\"location\":\"japaneast\"}"),
                Map.of(), ADMIN, "r", "https://localhost", "127.0.0.1", conditions);
    }

    private static void refusedWith412(Runnable place) {
        assertThatThrownBy(place::run).isInstanceOfSatisfying(ArmException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PreconditionFailed));
    }

    @Test
    void placeHoldsTheRequestsConditionsAgainstTheRowTheWriteWillReplace() {
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2))) {
            ResourceStore store = new ResourceStore(database, Clock.systemUTC());
            Catalog catalog = Catalog.standard();
            ProviderRegistrations registrations = new ProviderRegistrations(store, catalog);
            TrackedResources tracked = new TrackedResources(store, catalog, registrations,
                    new PolicyEngine(store, Clock.systemUTC(), Duration.ofMinutes(1)), Clock.systemUTC());
            store.insert(ResourceId.subscription("s1"), null, Json.object());
            registrations.setState("s1", catalog.provider("Microsoft.MachineLearningServices").orElseThrow(),
                    "Registered");
            ResourceId group = ResourceId.resourceGroup("s1", "g1");
            store.insert(group, "japaneast", Json.object());
            ResourceId workspace = group.provider("Microsoft.MachineLearningServices", "workspaces", "w");
            ObjectNode body = Json.object().put("location", "japaneast");

            Preconditions createOnly = new Preconditions(null, "*");
            assertThat(tracked.place(put(workspace, createOnly), workspace, body).current()).isEmpty();
            // Made by another request after the front door found it absent: the create-only request must not
            // replace it.
            StoredResource made = store.insert(workspace, "japaneast", Json.object());
            refusedWith412(() -> tracked.place(put(workspace, createOnly), workspace, body));
            refusedWith412(() -> tracked.place(put(workspace, new Preconditions("\"stale\"", null)), workspace, body));
            assertThat(tracked.place(put(workspace, new Preconditions(made.etag(), null)), workspace,
                    body).current()).isPresent();
            // The request's conditions are about its own resource, not about others its handler places (a
            // workspace's storage account).
            ResourceId other = group.provider("Microsoft.MachineLearningServices", "workspaces", "other");
            store.insert(other, "japaneast", Json.object());
            assertThatCode(() -> tracked.place(put(workspace, createOnly), other, body)).doesNotThrowAnyException();
        }
    }

    private static ArmRequest request(String method, ResourceId id, Preconditions conditions) {
        return new ArmRequest(method, ArmPath.parse(id.id()), "2024-04-01", Json.object(), Map.of(), ADMIN, "r",
                "https://localhost", "127.0.0.1", conditions);
    }

    @Test
    void patchAndDeleteHoldTheRequestsConditionsAgainstTheRowTheyChange() {
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2))) {
            ResourceStore store = new ResourceStore(database, Clock.systemUTC());
            Catalog catalog = Catalog.standard();
            TrackedResources tracked = new TrackedResources(store, catalog, new ProviderRegistrations(store, catalog),
                    new PolicyEngine(store, Clock.systemUTC(), Duration.ofMinutes(1)), Clock.systemUTC());
            ResourceId group = ResourceId.resourceGroup("s1", "g1");
            store.insert(group, "japaneast", Json.object());
            ResourceId vault = group.provider("Microsoft.KeyVault", "vaults", "v1");
            StoredResource read = store.insert(vault, "japaneast", Json.object());
            // Another request changed it after the front door checked the client's If-Match against `read`.
            StoredResource changed = store.replace(read, "japaneast", Json.object().put("changed", true));
            Preconditions stale = new Preconditions(read.etag(), null);

            refusedWith412(() -> tracked.changing(request("PATCH", vault, stale)));
            assertThat(tracked.changing(request("PATCH", vault, new Preconditions(changed.etag(), null))).etag())
                    .isEqualTo(changed.etag());
            assertThat(tracked.changing(request("PATCH", vault, Preconditions.NONE)).etag()).isEqualTo(changed.etag());

            refusedWith412(() -> tracked.deleteTree(request("DELETE", vault, stale)));
            assertThat(store.get(vault)).as("a delete whose condition failed removes nothing").isPresent();
            assertThatThrownBy(() -> store.deleteTree(vault, read.etag())).isInstanceOfSatisfying(ArmException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.PreconditionFailed));
            assertThat(tracked.deleteTree(request("DELETE", vault, new Preconditions(changed.etag(), null))).status())
                    .isEqualTo(200);
            assertThat(store.get(vault)).isEmpty();
            refusedWith412(() -> tracked.deleteTree(request("DELETE", vault, new Preconditions("*", null))));
            assertThat(tracked.deleteTree(request("DELETE", vault, Preconditions.NONE)).status()).isEqualTo(204);
        }
    }

    @Test
    void theNewestOfAFilteredListAreFoundPastTheFirstBatch() {
        // Each row a millisecond after the one before, so that "newest" is the order they were made in.
        ManualClock ticking = new ManualClock(Instant.parse("2026-12-06T00:00:00Z"));
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2))) {
            ResourceStore store = new ResourceStore(database, ticking);
            Catalog catalog = Catalog.standard();
            TrackedResources tracked = new TrackedResources(store, catalog, new ProviderRegistrations(store, catalog),
                    new PolicyEngine(store, ticking, Duration.ofMinutes(1)), ticking);
            store.insert(ResourceId.subscription("s1"), null, Json.object());
            ResourceId group = ResourceId.resourceGroup("s1", "g1");
            store.insert(group, "japaneast", Json.object());
            ResourceId workspace = group.provider("Microsoft.MachineLearningServices", "workspaces", "w");
            store.insert(workspace, "japaneast", Json.object());
            // 300 jobs, one in ten not archived: the 25 newest shown ones lie far past a first batch of 50.
            for (int i = 0; i < 300; i++) {
                ticking.advance(Duration.ofMillis(1));
                ObjectNode document = Json.object();
                document.putObject("properties").put("isArchived", i % 10 != 0);
                store.insert(workspace.child("jobs", String.format("j%03d", i)), null, document);
            }
            String type = "Microsoft.MachineLearningServices/workspaces/jobs";
            Predicate<StoredResource> shown =
                    row -> !row.document().path("properties").path("isArchived").asBoolean();
            assertThat(tracked.listNewest(workspace, type, 25, shown)).extracting(row -> row.id().name())
                    .hasSize(25).startsWith("j290", "j280").endsWith("j050");
            assertThat(tracked.listNewest(workspace, type, 100, shown)).hasSize(30);
            assertThat(tracked.listNewest(workspace, type, Integer.MAX_VALUE, shown)).hasSize(30);
            assertThat(tracked.listNewest(workspace, type, 0, shown)).isEmpty();
            assertThatThrownBy(() -> tracked.listNewest(group.provider("Microsoft.MachineLearningServices",
                    "workspaces", "absent"), type, 5, shown)).isInstanceOf(ArmException.class);
        }
    }
}
