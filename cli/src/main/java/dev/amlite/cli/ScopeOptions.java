package dev.amlite.cli;

import picocli.CommandLine.Option;

/** az's pair of scope options ({@code --scope}, {@code -g}) for commands that act at a scope, as a picocli mixin. */
final class ScopeOptions {
    @Option(names = "--scope", description = "Scope (default: the subscription, or the group of -g).")
    String scope;

    @Option(names = {"-g", "--resource-group"}, description = "Group to use as the scope.")
    String group;

    /** --scope as given, else the group of -g in the current subscription, else the subscription. */
    String resolve(Session session) {
        return resolve(session, scope, group);
    }

    static String resolve(Session session, String scope, String group) {
        if (scope != null) {
            return scope;
        }
        return "/subscriptions/" + session.subscriptionId() + (group == null ? "" : "/resourceGroups/" + group);
    }
}
