package dev.amlite.server;

import dev.amlite.store.StoreBackup;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a backup with files holds, and what a restore takes out of one. */
class BackupZipTest {
    @TempDir
    Path temporary;

    private static final BackupZip.StoreWriter STORE = out -> {
        out.write("the store".getBytes(StandardCharsets.UTF_8));
        return new StoreBackup.Summary(11, Instant.EPOCH, Map.of("resources", 3L));
    };

    @Test
    void theBlobFilesGoInAndComeOutAndNothingElseOfTheDataDirectory() throws Exception {
        Path data = temporary.resolve("data");
        Files.createDirectories(data.resolve("blobs/account@1/models/m1"));
        Files.writeString(data.resolve("blobs/account@1/models/m1/weights.bin"), "w = 42");
        Files.writeString(data.resolve("blobs/account@1/std_log.txt"), "logged");
        Files.createDirectories(data.resolve("jobs/logs/ws"));
        Files.writeString(data.resolve("jobs/logs/ws/job1.log"), "a local copy of a job's log");
        Files.createDirectories(data.resolve("secrets"));
        Files.writeString(data.resolve("secrets/master.key"), "never in a backup");
        Files.createDirectories(data.resolve("jobs/work/ws"));
        Files.writeString(data.resolve("jobs/work/ws/scratch"), "a job's working copy");

        Path file = temporary.resolve("backup.zip");
        BackupZip.Summary summary;
        try (OutputStream out = Files.newOutputStream(file)) {
            summary = BackupZip.write(out, STORE, AmliteServer.blobFolder(data));
        }
        assertThat(summary.files()).isEqualTo(2);
        assertThat(summary.bytes()).isEqualTo("w = 42".length() + "logged".length());
        List<String> names = new ArrayList<>();
        try (ZipFile zip = BackupZip.open(file)) {
            Collections.list(zip.entries()).forEach(entry -> names.add(entry.getName()));
            assertThat(BackupZip.end(zip).path("files").asLong()).isEqualTo(2);

            Path target = AmliteServer.blobFolder(temporary.resolve("restored"));
            assertThat(BackupZip.files(target)).isEmpty();
            Path staging = temporary.resolve("restored/.staging");
            assertThat(BackupZip.extract(zip, staging)).isEqualTo(2);
            BackupZip.install(staging, target);
            assertThat(target.resolve("account@1/models/m1/weights.bin")).hasContent("w = 42");
            assertThat(target.resolve("account@1/std_log.txt")).hasContent("logged");
            assertThat(staging).doesNotExist();
            assertThat(BackupZip.files(target)).hasSize(2);
        }
        assertThat(names).containsExactly("store.gz", "files/blobs/account@1/models/m1/weights.bin",
                "files/blobs/account@1/std_log.txt", "backup.json");
        assertThat(BackupZip.isZip(file)).isTrue();
    }

    @Test
    void aZipCutShortOrWithoutItsEndIsNotABackup() throws Exception {
        Path data = Files.createDirectories(temporary.resolve("data"));
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        BackupZip.write(whole, STORE, AmliteServer.blobFolder(data));
        Path cut = temporary.resolve("cut.zip");
        Files.write(cut, java.util.Arrays.copyOf(whole.toByteArray(), whole.size() - 30));
        assertThatThrownBy(() -> BackupZip.open(cut)).isInstanceOf(StoreBackup.RestoreException.class)
                .hasMessageContaining("not a whole zip");

        Path endless = temporary.resolve("endless.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(endless))) {
            zip.putNextEntry(new ZipEntry("store.gz"));
            zip.closeEntry();
        }
        assertThatThrownBy(() -> BackupZip.open(endless)).isInstanceOf(StoreBackup.RestoreException.class)
                .hasMessageContaining("lacks its backup.json");
    }

    @Test
    void anEntryNamingAPlaceOutsideTheFileFoldersIsRefused() throws Exception {
        for (String name : List.of("files/blobs/../../secrets/master.key", "files/secrets/master.key")) {
            Path crafted = temporary.resolve("crafted-" + Math.abs(name.hashCode()) + ".zip");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(crafted))) {
                for (String entry : List.of("store.gz", name, "backup.json")) {
                    zip.putNextEntry(new ZipEntry(entry));
                    zip.write("x".getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
            Path target = temporary.resolve("target");
            try (ZipFile zip = BackupZip.open(crafted)) {
                assertThatThrownBy(() -> BackupZip.extract(zip, target.resolve(".staging")))
                        .isInstanceOf(StoreBackup.RestoreException.class).hasMessageContaining("outside");
            }
            assertThat(target.resolve("secrets")).doesNotExist();
        }
    }
}
