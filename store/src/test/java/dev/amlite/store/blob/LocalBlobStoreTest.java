package dev.amlite.store.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalBlobStoreTest {
    @TempDir
    Path root;
    private LocalBlobStore store;

    @BeforeEach
    void create() {
        store = new LocalBlobStore("acct", root, "https://localhost/storage/acct/blob", () -> new byte[32],
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        store.createContainer("box");
    }

    @Test
    void aPutIsReadBackWithItsMd5AndRanges() throws Exception {
        byte[] content = "hello, blob".getBytes(StandardCharsets.UTF_8);
        BlobItem item = store.put("box", "m/weights.bin", new ByteArrayInputStream(content), md5(content));
        assertThat(item.size()).isEqualTo(content.length);
        assertThat(item.contentMd5()).isEqualTo(md5(content));
        assertThat(store.properties("box", "m/weights.bin")).get().extracting(BlobItem::contentMd5).isEqualTo(md5(content));
        try (InputStream in = store.open("box", "m/weights.bin", 7, 4)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("blob");
        }
    }

    @Test
    void aBodyThatDoesNotMatchItsMd5LeavesNothingBehind() throws IOException {
        byte[] content = "arrived".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.put("box", "x/file", new ByteArrayInputStream(content), md5("sent".getBytes())))
                .isInstanceOf(BlobException.class).hasMessageContaining("did not match");
        assertThat(store.properties("box", "x/file")).isEmpty();
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void anyAtFindsABlobOrAFolderOfBlobsButNotAHalfWrittenOne() throws Exception {
        assertThat(store.anyAt("box", "m")).isFalse();
        store.put("box", "m/deep/a.bin", new ByteArrayInputStream(new byte[] {1}), null);
        assertThat(store.anyAt("box", "m")).isTrue();
        assertThat(store.anyAt("box", "m/")).isTrue();
        assertThat(store.anyAt("box", "m/deep/a.bin")).isTrue();
        assertThat(store.anyAt("box", "m/dee")).as("a name prefix is not a folder").isFalse();
        assertThat(store.anyAt("box", "other")).isFalse();
        assertThat(store.anyAt("missing-container", "m")).isFalse();

        Path folder = root.resolve("box/pending");
        Files.createDirectories(folder);
        Files.write(folder.resolve(BlobNames.UPLOAD_PREFIX + "1234"), new byte[] {1});
        assertThat(store.anyAt("box", "pending")).as("only an unfinished upload is there").isFalse();
    }

    @Test
    void namesThatLeaveTheContainerAreRefused() {
        assertThatThrownBy(() -> store.anyAt("box", "../../etc/passwd")).isInstanceOf(BlobException.class);
    }

    private static String md5(byte[] content) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
    }
}
