package dev.amlite.store;

import java.util.List;
import java.util.Locale;
import static java.util.Objects.requireNonNull;

/**
 * A top-level resource type whose subtree the store keeps relative to the resource (see {@code V6__anchors.sql}),
 * so that moving one touches its own row only, and the forms, besides its ARM id, in which documents below it
 * name it. A form is a template with {@code {subscription}}, {@code {group}} and {@code {name}}, e.g.
 * {@code azureml://subscriptions/{subscription}/resourcegroups/{group}/workspaces/{name}}: inside documents below
 * the resource, the subscription and group in such a reference are stored as markers and read back as the
 * resource's current ones.
 */
public record Relocatable(String typeKey, List<String> forms) {
    public Relocatable {
        typeKey = requireNonNull(typeKey, "typeKey is null").toLowerCase(Locale.ROOT);
        forms = List.copyOf(forms);
        for (String form : forms) {
            int s = form.indexOf("{subscription}");
            int g = form.indexOf("{group}");
            if (s < 0 || g < s || form.indexOf("{name}") < g) {
                throw new IllegalArgumentException("A form names {subscription}, then {group}, then {name}: " + form);
            }
        }
    }

    /** {@code form} spelled out for one resource. */
    public static String fill(String form, String subscription, String group, String name) {
        return form.replace("{subscription}", subscription).replace("{group}", group).replace("{name}", name);
    }
}
