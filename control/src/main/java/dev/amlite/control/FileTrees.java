package dev.amlite.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one way the control plane lists the folders in a folder and removes a folder with everything in it (job work
 * folders and logs, deployment files, blobs).
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** The folders directly in {@code root}; none when it does not exist. */
    public static List<Path> folders(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory).toList();
        }
    }

    /**
     * Deletes {@code root} and everything below it, deepest first; nothing happens when it does not exist. A path
     * that cannot be deleted does not stop the others: the first such failure is thrown once all were tried.
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        IOException first = null;
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
