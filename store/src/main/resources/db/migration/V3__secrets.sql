-- Secret values of resources (storage keys, registry passwords, key vault secrets, connection credentials), sealed
-- by the control plane before they reach the store. Kept apart from resource documents so that no list, export or
-- generic read of a document can ever carry them. owner_key is the owning resource's id_key; deleting a resource
-- subtree deletes its secrets in the same transaction.
CREATE TABLE secrets (
    owner_key    VARCHAR(2048) NOT NULL,
    secret_name  VARCHAR(256)  NOT NULL,
    sealed       VARCHAR       NOT NULL,
    updated_at   TIMESTAMP     NOT NULL,
    PRIMARY KEY (owner_key, secret_name)
);
-- Globally unique names (storage accounts, vaults, registries) are looked up by type and name.
CREATE INDEX resources_type_name ON resources (type_key, name);
