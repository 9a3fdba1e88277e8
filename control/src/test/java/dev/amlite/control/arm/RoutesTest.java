package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.ArmPath;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutesTest {
    private static Route route(String method, String path) {
        return Routes.resolve(method, ArmPath.parse(path));
    }

    @Test
    void groupsUseArmsActionNamesAtTheirOwnScope() {
        Route put = route("PUT", "/subscriptions/s/resourcegroups/g");
        assertThat(put.handlerType()).isEqualTo("Microsoft.Resources/resourceGroups");
        assertThat(put.rbacAction()).isEqualTo("Microsoft.Resources/subscriptions/resourceGroups/write");
        assertThat(put.scope().id()).as("ids come out in ARM's canonical casing").isEqualTo("/subscriptions/s/resourceGroups/g");
        Route list = route("GET", "/subscriptions/s/resourceGroups");
        assertThat(list.kind()).isEqualTo(Route.RouteKind.COLLECTION);
        assertThat(list.rbacAction()).isEqualTo("Microsoft.Resources/subscriptions/resourceGroups/read");
        assertThat(list.scope().id()).isEqualTo("/subscriptions/s");
        assertThat(route("DELETE", "/subscriptions/s/resourcegroups/g").rbacAction()).endsWith("/delete");
    }

    @Test
    void operationStatusesLeaveTheirCheckToTheirHandler() {
        // The handler checks access to the resource the operation works on, not read on the subscription.
        Route status = route("GET", "/subscriptions/s/providers/Microsoft.Resources/operationStatuses/op1");
        assertThat(status.handlerType()).isEqualToIgnoringCase("Microsoft.Resources/operationStatuses");
        assertThat(status.rbacAction()).isNull();
        assertThat(route("GET", "/subscriptions/s/providers/Microsoft.Resources/operationResults/op1").rbacAction())
                .isNull();
        assertThat(route("GET", "/subscriptions/s/providers/Microsoft.Storage/storageAccounts/a").rbacAction())
                .isEqualTo("Microsoft.Storage/storageAccounts/read");
    }

    @Test
    void providerRegistrationIsAnActionOfTheNamespace() {
        Route register = route("POST", "/subscriptions/s/providers/Microsoft.Storage/register");
        assertThat(register.kind()).isEqualTo(Route.RouteKind.ACTION);
        assertThat(register.rbacAction()).isEqualTo("Microsoft.Storage/register/action");
        assertThat(register.actionName()).isEqualTo("register:Microsoft.Storage");
        Route show = route("GET", "/subscriptions/s/providers/Microsoft.Storage");
        assertThat(show.handlerType()).isEqualTo("Microsoft.Resources/providers");
        assertThat(show.apiNamespace()).isEqualTo("Microsoft.Resources");
    }

    @Test
    void resourcesActionsAndCollections() {
        Route resource = route("PATCH", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a");
        assertThat(resource.rbacAction()).isEqualTo("Microsoft.Storage/storageAccounts/write");
        assertThat(resource.apiNamespace()).isEqualTo("Microsoft.Storage");
        Route action = route("POST", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/listKeys");
        assertThat(action.rbacAction()).isEqualTo("Microsoft.Storage/storageAccounts/listKeys/action");
        Route children = route("GET", "/subscriptions/s/resourceGroups/g/providers/A.B/ws/w/onlineEndpoints");
        assertThat(children.handlerType()).isEqualTo("A.B/ws/onlineEndpoints");
        assertThat(children.scope().name()).isEqualTo("w");
        Route generic = route("GET", "/subscriptions/s/resources");
        assertThat(generic.handlerType()).isEqualTo("Microsoft.Resources/resources");
        assertThat(generic.rbacAction()).isEqualTo("Microsoft.Resources/subscriptions/resources/read");
        Route assignments = route("GET", "/providers/Microsoft.Authorization/roleAssignments");
        assertThat(assignments.scope().isRoot()).isTrue();
        assertThat(assignments.rbacAction()).isEqualTo("Microsoft.Authorization/roleAssignments/read");
    }

    @Test
    void listsOfTenantsAndSubscriptionsAreFilteredInsteadOfAuthorised() {
        assertThat(route("GET", "/subscriptions").rbacAction()).isNull();
        assertThat(route("GET", "/tenants").rbacAction()).isNull();
    }

    @Test
    void writesToCollectionsAndUnknownRootsAreRefused() {
        assertThatThrownBy(() -> route("PUT", "/subscriptions/s/resourcegroups"))
                .isInstanceOf(ArmException.class).hasMessageContaining("only GET lists it");
        assertThatThrownBy(() -> route("GET", "/nonsense")).isInstanceOf(ArmException.class);
        assertThatThrownBy(() -> route("TRACE", "/subscriptions/s")).isInstanceOf(ArmException.class);
    }
}
