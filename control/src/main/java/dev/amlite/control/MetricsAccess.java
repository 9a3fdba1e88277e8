package dev.amlite.control;

import dev.amlite.control.identity.Caller;
import dev.amlite.control.identity.TokenService;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.ResourceId;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * Who may scrape {@code /metrics}. The metrics are server-wide — every online endpoint and deployment by name, in
 * every subscription — so they take a valid bearer token of a principal that may read metrics at the root scope
 * ({@code /}): the admin, or anyone given Reader (or a role with {@value #ACTION}) there. A scraper signs in as a
 * service principal (client credentials at the token endpoint).
 */
public final class MetricsAccess {
    static final String ACTION = "Microsoft.Insights/metrics/read";
    private final TokenService tokens;
    private final Authorizer authorizer;

    MetricsAccess(TokenService tokens, Authorizer authorizer) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    /** Returns when the request may read the metrics; an ArmException (401 or 403) says why not. */
    public void check(Optional<String> authorization) {
        Caller caller = tokens.verifyAuthorization(authorization);
        if (!authorizer.allows(caller.objectId(), ACTION, ResourceId.ROOT)) {
            throw new ArmException(ErrorCode.AuthorizationFailed, "The client '" + caller.objectId() + "' may not "
                    + "read the server's metrics (" + ACTION + " at scope '/'); a Reader role assignment at '/' "
                    + "allows it: 'amlite role assignment create --assignee <principal> --role Reader --scope /'.");
        }
    }
}
