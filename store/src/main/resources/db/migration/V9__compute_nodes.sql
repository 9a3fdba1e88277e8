-- The nodes of compute clusters and instances (CP-1), shared by the servers of one store so that replicas together
-- keep a cluster within its max_instances and count its quota once. A node holds one of its compute's slots
-- (0 .. max_instances - 1): two servers adding a node at once take different slots or one of them fails, without
-- a lock. A node leased to a job names the job and the server that runs it; a server's leases are freed when it
-- restarts or stops being seen.
CREATE TABLE compute_nodes (
    compute_key VARCHAR(2048)            NOT NULL,
    slot        INTEGER                  NOT NULL,
    node_id     VARCHAR(300)             NOT NULL,
    job         VARCHAR(300),
    server_id   VARCHAR(64),
    since       TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_since  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (compute_key, slot)
);
CREATE INDEX compute_nodes_server ON compute_nodes (server_id);
