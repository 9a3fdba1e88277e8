package dev.amlite.store.blob;

import java.util.regex.Pattern;

/** Azure's rules for container and blob names, checked before a name becomes a path on disk. */
public final class BlobNames {
    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");
    /** Names that writes in progress use inside a container; never a blob's own name. */
    static final String UPLOAD_PREFIX = ".amlite-upload-";

    private BlobNames() {
    }

    public static boolean isContainer(String name) {
        return name != null && CONTAINER.matcher(name).matches();
    }

    /**
     * A blob name that can be a relative path below its container and nowhere else: 1 to 1024 characters,
     * segments separated by '/', none empty, '.' or '..', and no backslash or control character.
     */
    public static String checkBlob(String name) {
        if (name == null || name.isEmpty() || name.length() > 1024) {
            throw new IllegalArgumentException("A blob name must have 1 to 1024 characters.");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith(UPLOAD_PREFIX)) {
                throw new IllegalArgumentException("The blob name '" + name + "' has an empty, '.', '..' or reserved "
                        + "path segment.");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw new IllegalArgumentException("The blob name '" + name + "' has a control character or backslash.");
            }
        }
        return name;
    }
}
