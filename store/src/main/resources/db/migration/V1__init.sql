-- One row per ARM resource. The whole ARM document is kept in body; the other columns exist to find rows.
CREATE TABLE resources (
    id_key           VARCHAR(2048) NOT NULL PRIMARY KEY,
    id               VARCHAR(2048) NOT NULL,
    parent_key       VARCHAR(2048),
    type_key         VARCHAR(512)  NOT NULL,
    subscription_key VARCHAR(64),
    group_key        VARCHAR(128),
    name             VARCHAR(512)  NOT NULL,
    location         VARCHAR(64),
    body             VARCHAR       NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    etag             VARCHAR(64)   NOT NULL,
    created_at       TIMESTAMP     NOT NULL,
    updated_at       TIMESTAMP     NOT NULL
);
CREATE INDEX resources_parent ON resources (parent_key);
CREATE INDEX resources_subscription_type ON resources (subscription_key, type_key);
CREATE INDEX resources_group ON resources (subscription_key, group_key);

CREATE TABLE principals (
    object_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)  NOT NULL,
    kind           VARCHAR(32)  NOT NULL,
    display_name   VARCHAR(256) NOT NULL,
    sign_in_key    VARCHAR(256) NOT NULL,
    sign_in_name   VARCHAR(256) NOT NULL,
    created_at     TIMESTAMP    NOT NULL
);
CREATE UNIQUE INDEX principals_sign_in ON principals (sign_in_key);

CREATE TABLE principal_secrets (
    secret_id   VARCHAR(64)  NOT NULL PRIMARY KEY,
    object_id   VARCHAR(64)  NOT NULL,
    hash        VARCHAR(512) NOT NULL,
    hint        VARCHAR(8)   NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    expires_at  TIMESTAMP    NOT NULL
);
CREATE INDEX principal_secrets_object ON principal_secrets (object_id);

CREATE TABLE operations (
    id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    kind             VARCHAR(64)   NOT NULL,
    resource_id      VARCHAR(2048) NOT NULL,
    subscription_key VARCHAR(64),
    status           VARCHAR(16)   NOT NULL,
    request          VARCHAR       NOT NULL,
    error            VARCHAR,
    created_at       TIMESTAMP     NOT NULL,
    updated_at       TIMESTAMP     NOT NULL,
    ended_at         TIMESTAMP
);
CREATE INDEX operations_status ON operations (status);

CREATE TABLE settings (
    setting_name  VARCHAR(128) NOT NULL PRIMARY KEY,
    setting_value VARCHAR      NOT NULL
);
