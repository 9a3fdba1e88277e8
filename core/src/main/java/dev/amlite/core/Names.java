package dev.amlite.core;

import java.util.regex.Pattern;

/** Name rules of ARM resources. Each check says which characters are allowed, because that is what users need. */
public final class Names {
    private static final Pattern RESOURCE_GROUP = Pattern.compile("[A-Za-z0-9_().-]{1,90}");
    private static final Pattern GENERIC_RESOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,259}");
    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){2,31}");

    private Names() {
    }

    public static void checkResourceGroupName(String name) {
        if (name == null || !RESOURCE_GROUP.matcher(name).matches() || name.endsWith(".")) {
            throw new ArmException(ErrorCode.InvalidResourceName,
                    "Resource group name '" + describe(name) + "' is invalid. It must be 1 to 90 characters of ASCII "
                            + "letters, digits, underscores (_), hyphens (-), periods (.) and parentheses, and must not "
                            + "end with a period." + nonAsciiHint(name));
        }
    }

    public static void checkResourceName(String name, String type) {
        if (name == null || !GENERIC_RESOURCE.matcher(name).matches()) {
            throw new ArmException(ErrorCode.InvalidResourceName,
                    "The resource name '" + describe(name) + "' for type '" + type + "' is invalid. It must start with "
                            + "an ASCII letter or digit and contain only ASCII letters, digits, underscores (_), "
                            + "hyphens (-) and periods (.), up to 260 characters." + nonAsciiHint(name));
        }
    }

    /**
     * An online endpoint's or deployment's name ({@code what}: "Endpoint", "Deployment"): 3–32 characters, a letter
     * first, then letters, digits and single hyphens, not ending in a hyphen.
     */
    public static void checkEndpointName(String what, String name) {
        if (name == null || !ENDPOINT.matcher(name).matches()) {
            throw new ArmException(ErrorCode.InvalidResourceName, what + " name '" + describe(name) + "' is invalid: "
                    + "it must be 3 to 32 characters long, start with a letter, and contain only letters, digits and "
                    + "single hyphens (not at the end)." + nonAsciiHint(name));
        }
    }

    /** Kana, kanji and other non-ASCII characters are a common mistake of our users, so we name the problem. */
    public static String nonAsciiHint(String name) {
        if (name == null) {
            return "";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 127) {
                return " The name contains the non-ASCII character '" + c + "' at position " + (i + 1)
                        + "; characters such as kana or kanji are not allowed.";
            }
            if (Character.isWhitespace(c)) {
                return " The name contains a space at position " + (i + 1) + ".";
            }
        }
        return "";
    }

    private static String describe(String name) {
        return name == null ? "" : name;
    }
}
