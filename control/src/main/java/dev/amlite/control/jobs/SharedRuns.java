package dev.amlite.control.jobs;

import dev.amlite.control.replicas.Replicas;
import dev.amlite.store.JobLogParts;
import dev.amlite.store.RunClaims;
import static java.util.Objects.requireNonNull;

/**
 * What jobs share with the other servers of the store (replicas, OP-2): who those servers are, which server runs
 * which job, and the logs of running jobs for the servers that do not run them.
 */
public record SharedRuns(Replicas replicas, RunClaims claims, JobLogParts logs) {
    public SharedRuns {
        requireNonNull(replicas, "replicas is null");
        requireNonNull(claims, "claims is null");
        requireNonNull(logs, "logs is null");
    }
}
