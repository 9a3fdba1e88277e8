-- The log of a running job, in parts, while other servers share the store (replicas): the server that runs the job
-- copies what its log file gained every half second, so that another replica can show the log before the job ends
-- and its log is stored as a blob. A part is whole lines, from byte start_offset to end_offset of the file. The rows
-- of a job go when it ends.
CREATE TABLE job_log_parts (
    job_key      VARCHAR(2048) NOT NULL,
    start_offset BIGINT        NOT NULL,
    end_offset   BIGINT        NOT NULL,
    content      VARCHAR       NOT NULL,
    PRIMARY KEY (job_key, start_offset)
);
