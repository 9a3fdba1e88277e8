package dev.amlite.control.rbac;

import java.util.Locale;
import java.util.regex.Pattern;

/** An RBAC action pattern such as {@code Microsoft.Authorization/*&#47;Write}; '*' matches any run of characters. */
record ActionPattern(String text, Pattern compiled) {
    static ActionPattern of(String text) {
        return new ActionPattern(text, Pattern.compile(toRegex(text)));
    }

    private static String toRegex(String text) {
        StringBuilder regex = new StringBuilder();
        String[] parts = text.toLowerCase(Locale.ROOT).split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return regex.toString();
    }

    boolean matches(String actionLowerCase) {
        return compiled.matcher(actionLowerCase).matches();
    }
}
