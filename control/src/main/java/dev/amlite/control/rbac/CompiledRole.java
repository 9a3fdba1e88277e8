package dev.amlite.control.rbac;

import java.util.List;
import java.util.Locale;

/** A role with its patterns compiled once, so that checking a request does no regex compilation. */
record CompiledRole(RoleDefinition definition, List<ActionPattern> actions, List<ActionPattern> notActions,
                    List<ActionPattern> dataActions, List<ActionPattern> notDataActions) {
    static CompiledRole of(RoleDefinition definition) {
        return new CompiledRole(definition, compile(definition.actions()), compile(definition.notActions()),
                compile(definition.dataActions()), compile(definition.notDataActions()));
    }

    private static List<ActionPattern> compile(List<String> patterns) {
        return patterns.stream().map(ActionPattern::of).toList();
    }

    boolean allowsAction(String action) {
        String lower = action.toLowerCase(Locale.ROOT);
        return any(actions, lower) && !any(notActions, lower);
    }

    boolean allowsDataAction(String action) {
        String lower = action.toLowerCase(Locale.ROOT);
        return any(dataActions, lower) && !any(notDataActions, lower);
    }

    private static boolean any(List<ActionPattern> patterns, String action) {
        for (ActionPattern pattern : patterns) {
            if (pattern.matches(action)) {
                return true;
            }
        }
        return false;
    }
}
