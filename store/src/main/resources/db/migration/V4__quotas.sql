-- vCPU quota limits raised above the defaults (RM-11), per subscription, region and VM family. A row exists only
-- for a limit an administrator changed; the default of a family comes from the catalog.
CREATE TABLE quota_limits (
    subscription_key VARCHAR(64)  NOT NULL,
    region           VARCHAR(64)  NOT NULL,
    family           VARCHAR(128) NOT NULL,
    vcpu_limit       INTEGER      NOT NULL,
    updated_at       TIMESTAMP    NOT NULL,
    PRIMARY KEY (subscription_key, region, family)
);

-- Quota-increase requests: asked by anyone who may write in the subscription, decided by an administrator.
CREATE TABLE quota_requests (
    id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    subscription_key VARCHAR(64)   NOT NULL,
    region           VARCHAR(64)   NOT NULL,
    family           VARCHAR(128)  NOT NULL,
    requested_limit  INTEGER       NOT NULL,
    justification    VARCHAR(2048),
    status           VARCHAR(16)   NOT NULL,
    requested_by     VARCHAR(256)  NOT NULL,
    decided_by       VARCHAR(256),
    created_at       TIMESTAMP     NOT NULL,
    decided_at       TIMESTAMP
);
CREATE INDEX quota_requests_subscription ON quota_requests (subscription_key, created_at);
