-- Which process holds a server's row: a random id made at each start. A server beats only while the row is still
-- its own, so that two processes started with one server id (a data directory copied with its server-id) are told
-- apart: the second refuses to start while the first still beats.
ALTER TABLE servers ADD COLUMN incarnation VARCHAR(64);
