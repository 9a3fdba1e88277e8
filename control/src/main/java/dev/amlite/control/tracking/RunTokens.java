package dev.amlite.control.tracking;

import dev.amlite.control.identity.Caller;
import dev.amlite.core.ResourceId;
import dev.amlite.store.Principal;
import dev.amlite.store.RunTokenStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import static java.util.Objects.requireNonNull;

/**
 * The MLFLOW_TRACKING_TOKEN a job runs with: it opens its workspace's MLflow API, and nothing else, in the name of
 * the job's submitter for as long as the job runs. An access token of the submitter (what jobs had before) expired
 * after the server's {@code --token-lifetime} however long the job still had to run, and it opened the whole ARM
 * API to the job's code. What the token may do is still the submitter's roles on the workspace, checked on every
 * request; it ends when the job does. The store keeps a SHA-256 digest of each token, never the token, so that every
 * replica sharing the store accepts it (a job's MLflow calls may reach any of them); the server that issued it also
 * keeps the grant in memory, and answers its own jobs without a query.
 */
public final class RunTokens {
    static final String PREFIX = "amlrun.";
    private final SecureRandom random = new SecureRandom();
    private final RunTokenStore store;
    private final Function<String, Optional<Principal>> submitters;
    private final Map<String, Grant> byDigest = new ConcurrentHashMap<>();
    private final Map<String, String> digestByJob = new ConcurrentHashMap<>();

    /** What a run token proves: who submitted which job in which workspace. */
    record Grant(ResourceId job, ResourceId workspace, Principal submitter) {
    }

    /** {@code submitters} finds a submitter by the sign-in name its jobs record, for tokens issued by a replica. */
    public RunTokens(RunTokenStore store, Function<String, Optional<Principal>> submitters) {
        this.store = requireNonNull(store, "store is null");
        this.submitters = requireNonNull(submitters, "submitters is null");
    }

    /**
     * A new token for {@code job} (a job resource id), replacing any the job had; {@code signInName} is how the job
     * records its submitter, {@code submitter} who that is now.
     */
    public String issue(ResourceId job, String signInName, Principal submitter) {
        requireNonNull(submitter, "submitter is null");
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String digest = digest(token);
        store.put(digest, job.key(), job.id(), signInName);
        byDigest.put(digest, new Grant(job, job.parent(), submitter));
        String before = digestByJob.put(job.key(), digest);
        if (before != null) {
            byDigest.remove(before);
        }
        return token;
    }

    /** The job has ended: its token opens nothing from now on. */
    public void revoke(ResourceId job) {
        String digest = digestByJob.remove(job.key());
        if (digest != null) {
            byDigest.remove(digest);
        }
        store.revoke(job.key());
    }

    static boolean isRunToken(String token) {
        return token.startsWith(PREFIX);
    }

    /**
     * The submitter of the running job that {@code token} belongs to, if the request is for that job's workspace.
     * The token is looked up by its digest, so the lookup's timing says nothing about the token's characters.
     */
    Caller verify(String token, ResourceId workspace) {
        String digest = digest(token);
        Grant grant = byDigest.get(digest);
        if (grant == null) {
            grant = issuedElsewhere(digest);
        }
        if (grant == null) {
            throw new MlflowException("UNAUTHENTICATED", 401, "The job token is not valid: its job has ended or the "
                    + "server has restarted since. A job's MLFLOW_TRACKING_TOKEN works while the job runs; outside a "
                    + "job, use 'amlite account get-access-token --query accessToken -o tsv'.");
        }
        if (!grant.workspace().key().equals(workspace.key())) {
            throw new MlflowException("PERMISSION_DENIED", 403, "The token of job '" + grant.job().name()
                    + "' opens only the MLflow API of its workspace '" + grant.workspace().name() + "', not of '"
                    + workspace.name() + "'.");
        }
        Principal who = grant.submitter();
        // No expiry of its own: the token ends with its job (revoke).
        return new Caller(who.objectId(), who.tenantId(), who.kind(), who.signInName(), who.displayName(), Instant.MAX);
    }

    /** A token another replica issued for a job it runs, with its submitter as the directory has them now. */
    private Grant issuedElsewhere(String digest) {
        Optional<RunTokenStore.Grant> stored = store.find(digest);
        if (stored.isEmpty()) {
            return null;
        }
        ResourceId job = ResourceId.parse(stored.get().jobId());
        return submitters.apply(stored.get().submitter()).map(who -> new Grant(job, job.parent(), who)).orElse(null);
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
