package dev.amlite.control.workspace;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Names;
import java.util.regex.Pattern;

/** WS-3: workspace names are 3–33 ASCII letters, digits, hyphens and underscores, starting with a letter or digit. */
public final class WorkspaceNames {
    private static final Pattern WORKSPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{2,32}");

    private WorkspaceNames() {
    }

    public static void check(String name) {
        if (name == null || !WORKSPACE.matcher(name).matches()) {
            String length = name == null ? "" : " ('" + name + "' has " + name.codePointCount(0, name.length()) + ")";
            throw new ArmException(ErrorCode.InvalidResourceName, "Workspace name '" + (name == null ? "" : name)
                    + "' is invalid. A workspace name is 3 to 33 characters" + length + " of ASCII letters (a-z, A-Z), "
                    + "digits (0-9), hyphens (-) and underscores (_), and starts with a letter or digit."
                    + Names.nonAsciiHint(name));
        }
    }
}
