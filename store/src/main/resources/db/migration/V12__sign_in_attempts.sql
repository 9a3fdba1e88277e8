-- Failed sign-ins per user name and client address (the smart lockout, control.identity.SignInLockout), kept in
-- the store so that a restart does not forget a lock and replicas sharing the store count together. The key is the
-- name's first 256 characters, lower-cased, and the address. Rows that lock nothing are purged after an hour.
CREATE TABLE sign_in_attempts (
    attempt_key  VARCHAR(400)             NOT NULL PRIMARY KEY,
    failures     INT                      NOT NULL,
    lockouts     INT                      NOT NULL,
    locked_until TIMESTAMP WITH TIME ZONE,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
