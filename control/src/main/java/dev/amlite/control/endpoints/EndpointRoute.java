package dev.amlite.control.endpoints;

import dev.amlite.serving.routing.ByteRateLimit;
import dev.amlite.serving.routing.ShareSampler;
import dev.amlite.serving.routing.WeightedSplit;
import java.util.Map;

/**
 * What the router knows of one endpoint, rebuilt whenever the endpoint or one of its deployments changes:
 * credentials, the live split, the mirror, and the deployments that can serve (by lower-case name).
 *
 * @param publicAccess false when the endpoint's public_network_access is disabled: only clients that come through
 *                     an approved private endpoint of the workspace may score
 * @param mirrorTo the deployment mirrored traffic goes to, or null
 */
record EndpointRoute(String id, String name, String workspaceId, boolean publicAccess, String authMode,
                     EndpointAuth.Credentials credentials,
                     WeightedSplit split, String mirrorTo, ShareSampler mirror,
                     Map<String, DeploymentRuntime> deployments, ByteRateLimit bandwidth, RequestLog log) {
    static final String KEY = "Key";
    static final String AML_TOKEN = "AMLToken";
}
