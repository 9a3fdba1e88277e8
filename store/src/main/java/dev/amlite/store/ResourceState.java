package dev.amlite.store;

/** Lifecycle of a stored row. Soft-deleted rows keep their name reserved and can be recovered or purged. */
public enum ResourceState {
    ACTIVE,
    SOFT_DELETED
}
