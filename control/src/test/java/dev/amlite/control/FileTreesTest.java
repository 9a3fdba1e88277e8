package dev.amlite.control;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

class FileTreesTest {
    @TempDir
    Path temporary;

    @Test
    void aFolderGoesWithEverythingInItAndItsSiblingsStay() throws Exception {
        Path root = temporary.resolve("root");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/file.txt"), "x");
        Files.writeString(root.resolve("top.txt"), "y");
        Path sibling = Files.writeString(temporary.resolve("sibling.txt"), "z");
        FileTrees.delete(root);
        assertThat(root).doesNotExist();
        assertThat(sibling).exists();
    }

    @Test
    void aFolderThatIsNotThereIsNothingToDo() throws Exception {
        FileTrees.delete(temporary.resolve("never"));
        assertThat(temporary).exists();
    }

    @Test
    void theFoldersInAFolderAreListedWithoutItsFiles() throws Exception {
        Files.createDirectories(temporary.resolve("one/inner"));
        Files.createDirectories(temporary.resolve("two"));
        Files.writeString(temporary.resolve("file.txt"), "x");
        assertThat(FileTrees.folders(temporary)).containsExactlyInAnyOrder(temporary.resolve("one"),
                temporary.resolve("two"));
        assertThat(FileTrees.folders(temporary.resolve("never"))).isEmpty();
    }
}
