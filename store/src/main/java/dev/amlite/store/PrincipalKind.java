package dev.amlite.store;

/** The two kinds of identity ARM knows; the names are the {@code principalType} values of role assignments. */
public enum PrincipalKind {
    User,
    ServicePrincipal
}
