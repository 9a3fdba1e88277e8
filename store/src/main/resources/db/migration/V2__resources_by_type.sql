-- RBAC and policy snapshots read every role assignment/definition by type; without this index they scan every
-- resource, which stalls writes once a store holds tens of thousands of resources.
CREATE INDEX resources_type ON resources (type_key, state);
