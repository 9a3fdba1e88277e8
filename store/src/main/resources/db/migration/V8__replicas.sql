-- Servers sharing one store (replicas, OP-2) and what each one runs. A server row is the server of one data
-- directory; it says when that server was last seen (its heartbeat, in the database's clock so that replicas on
-- machines with different clocks agree). Work a server runs is marked with its id, so that another replica's start
-- or restart leaves it alone, and a replica takes it over only once its server has stopped being seen.
CREATE TABLE servers (
    server_id  VARCHAR(64)              NOT NULL PRIMARY KEY,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    seen_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The server that runs (or last ran) an operation; NULL for operations made before this version.
ALTER TABLE operations ADD COLUMN owner VARCHAR(64);

-- A job's run: which server runs its processes. A row exists from the job's start to its end.
CREATE TABLE job_runs (
    job_key    VARCHAR(2048)            NOT NULL PRIMARY KEY,
    server_id  VARCHAR(64)              NOT NULL,
    claimed_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A running job's MLFLOW_TRACKING_TOKEN, by its SHA-256 digest (never the token), so that any replica accepts it
-- while the job runs. The row goes when the job ends.
CREATE TABLE run_tokens (
    digest        VARCHAR(64)              NOT NULL PRIMARY KEY,
    job_key       VARCHAR(2048)            NOT NULL,
    job_id        VARCHAR(2048)            NOT NULL,
    submitter     VARCHAR(64)              NOT NULL,
    issued_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX run_tokens_job ON run_tokens (job_key);
