package dev.amlite.control.network;

import dev.amlite.control.arm.ArmRequest;
import dev.amlite.core.ResourceId;
import java.util.List;

/**
 * What a private endpoint needs of the resource it connects to: the providers that offer private link (the
 * workspace provider here) implement this, so the network provider does not depend on them.
 */
public interface PrivateLinkTargets {
    /** The result of asking for a connection: its state ("Approved" or "Pending") and the names to resolve. */
    record Connection(String status, String description, List<String> fqdns) {
    }

    /** Creates the target-side private endpoint connection; fails with a clear error for a bad target or group. */
    Connection connect(ArmRequest request, ResourceId target, List<String> groupIds, ResourceId privateEndpoint,
                       String connectionName, boolean manual, String requestMessage);

    /** Removes the target-side connection of a private endpoint that is being deleted. */
    void disconnect(ResourceId target, ResourceId privateEndpoint);
}
