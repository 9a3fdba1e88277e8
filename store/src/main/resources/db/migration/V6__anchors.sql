-- Rows below a relocatable resource (an ML workspace) are kept relative to an anchor: an immutable key ("@" and a
-- UUID) that stands for the resource's current place. A row's id_key is then the anchor and the rest of its path,
-- so moving the resource changes one anchors row and its own row, never the rows below it (issue 7: a move of a
-- workspace with 22,000 rows below it rewrote every one of them, 4.5 s on H2 for the UPDATE alone). Such rows
-- have no subscription_key or group_key of their own: they are the anchor's. ResourceStore.anchorSubtrees() moves
-- rows written before this migration under their anchors at startup.
CREATE TABLE anchors (
    anchor           VARCHAR(64)   NOT NULL PRIMARY KEY,
    id_key           VARCHAR(2048) NOT NULL,
    id               VARCHAR(2048) NOT NULL,
    subscription_key VARCHAR(64)   NOT NULL,
    group_key        VARCHAR(128)  NOT NULL
);
CREATE UNIQUE INDEX anchors_place ON anchors (id_key);
CREATE INDEX anchors_group ON anchors (subscription_key, group_key);
ALTER TABLE resources ADD COLUMN anchor VARCHAR(64);
CREATE INDEX resources_anchor ON resources (anchor, type_key);
