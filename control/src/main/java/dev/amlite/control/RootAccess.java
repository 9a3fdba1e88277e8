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
 * Who may use the server-wide calls outside ARM, each a valid bearer token of a principal allowed an action at the
 * root scope ({@code /}). {@code /metrics} names every endpoint and deployment in every subscription: the admin,
 * or anyone given Reader there ({@value #METRICS}); a scraper signs in as a service principal. A store backup holds
 * every principal's credentials (hashed) and every sealed secret, so taking one counts as writing authorization
 * ({@value #BACKUP}): Owner or User Access Administrator at {@code /}, which Contributor's NotActions leave out.
 */
public final class RootAccess {
    static final String METRICS = "Microsoft.Insights/metrics/read";
    static final String BACKUP = "Microsoft.Authorization/backup/write";
    private final TokenService tokens;
    private final Authorizer authorizer;

    RootAccess(TokenService tokens, Authorizer authorizer) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.authorizer = requireNonNull(authorizer, "authorizer is null");
    }

    /** Returns when the request may read the metrics; an ArmException (401 or 403) says why not. */
    public void checkMetrics(Optional<String> authorization) {
        check(authorization, METRICS, "read the server's metrics", "a Reader role assignment at '/' allows it: "
                + "'amlite role assignment create --assignee <principal> --role Reader --scope /'.");
    }

    /** Returns when the request may take a backup of the store; an ArmException (401 or 403) says why not. */
    public void checkBackup(Optional<String> authorization) {
        check(authorization, BACKUP, "take a backup of the store", "an Owner role assignment at '/' allows it "
                + "(the admin has one).");
    }

    private void check(Optional<String> authorization, String action, String what, String hint) {
        Caller caller = tokens.verifyAuthorization(authorization);
        if (!authorizer.allows(caller.objectId(), action, ResourceId.ROOT)) {
            throw new ArmException(ErrorCode.AuthorizationFailed, "The client '" + caller.objectId() + "' may not "
                    + what + " (" + action + " at scope '/'); " + hint);
        }
    }
}
