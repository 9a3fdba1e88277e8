package dev.amlite.control.policy;

/** What a built-in policy definition checks. */
public enum PolicyRule {
    ALLOWED_LOCATIONS,
    ALLOWED_LOCATIONS_FOR_GROUPS,
    NOT_ALLOWED_RESOURCE_TYPES,
    REQUIRE_TAG,
    REQUIRE_TAG_ON_GROUPS
}
