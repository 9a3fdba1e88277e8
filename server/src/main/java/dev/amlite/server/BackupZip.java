package dev.amlite.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.control.FileTrees;
import dev.amlite.core.Json;
import dev.amlite.store.StoreBackup;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup with its files, as {@code amlite server backup --with-files} takes it: a zip of {@code store.gz} (the
 * {@link StoreBackup}), then every file under the blob folder (amlite-held storage accounts: models, code, data, job
 * outputs, and each ended job's log, which is stored there too; {@code jobs/logs} holds only local copies) as
 * {@code files/blobs/<path>}, then {@code backup.json} with how many files and bytes came. A zip without that last
 * entry, or cut short (no central directory), is not a backup. Files are stored, not compressed: blob contents are
 * mostly compressed already, and a model of gigabytes must not cost a core for minutes.
 */
final class BackupZip {
    private static final Logger LOG = LoggerFactory.getLogger(BackupZip.class);
    static final String STORE = "store.gz";
    static final String END = "backup.json";
    private static final String FILES = "files/blobs/";

    private BackupZip() {
    }

    /** What a backup with files held. */
    record Summary(StoreBackup.Summary store, long files, long bytes) {
    }

    /** The store writer: {@code StoreBackup.write} with its database and key check. */
    @FunctionalInterface
    interface StoreWriter {
        StoreBackup.Summary write(OutputStream out) throws IOException;
    }

    /**
     * Writes the store (by {@code store}, into its entry) and then the files of {@code blobs}. {@code out} is
     * finished, not closed.
     */
    static Summary write(OutputStream out, StoreWriter store, Path blobs) throws IOException {
        // The zip's deflater writes 512 bytes at a time: gathered here into large writes to the response.
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 20);
        ZipOutputStream zip = new ZipOutputStream(buffered, StandardCharsets.UTF_8);
        zip.setLevel(Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(STORE));
        StoreBackup.Summary summary = store.write(zip);
        zip.closeEntry();
        long files = 0;
        long bytes = 0;
        for (Path file : files(blobs)) {
            long copied;
            try (InputStream in = Files.newInputStream(file)) {
                zip.putNextEntry(new ZipEntry(FILES + blobs.relativize(file).toString().replace(File.separatorChar, '/')));
                copied = in.transferTo(zip);
                zip.closeEntry();
            } catch (NoSuchFileException gone) {
                // Deleted since the walk (a blob replaced or swept): nothing of it was written.
                LOG.debug("Backup: {} went before it was read", file);
                continue;
            }
            files++;
            bytes += copied;
        }
        zip.putNextEntry(new ZipEntry(END));
        zip.write(Json.write(Json.object().put("files", files).put("bytes", bytes)).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.finish();
        buffered.flush();
        return new Summary(summary, files, bytes);
    }

    /** The regular files below {@code folder}, in name order; none when it does not exist. */
    static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }

    /**
     * A whole backup with files, opened: refused (as the store's own check does) when it is cut short or lacks its
     * store or end.
     */
    static ZipFile open(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreBackup.RestoreException("The backup " + file + " is not a whole zip (" + e.getMessage()
                    + "): it was cut short or damaged. Take it again with 'amlite server backup --with-files'.");
        }
        String missing = zip.getEntry(STORE) == null ? STORE : zip.getEntry(END) == null ? END : null;
        if (missing != null) {
            zip.close();
            throw new StoreBackup.RestoreException("The backup " + file + " lacks its " + missing + ": it is not one "
                    + "'amlite server backup --with-files' wrote, or was cut short.");
        }
        return zip;
    }

    /** How many files and bytes the backup says it holds. */
    static JsonNode end(ZipFile zip) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(END))) {
            return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Puts the backup's files into {@code staging} (a blob folder to be), refusing an entry whose name would land
     * outside it; returns how many came.
     */
    static long extract(ZipFile zip, Path staging) throws IOException {
        Path base = staging.toAbsolutePath().normalize();
        long count = 0;
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            ZipEntry entry = entries.nextElement();
            if (entry.getName().equals(STORE) || entry.getName().equals(END) || entry.isDirectory()) {
                continue;
            }
            Path target = base.resolve(entry.getName().substring(Math.min(FILES.length(), entry.getName().length())))
                    .normalize();
            if (!entry.getName().startsWith(FILES) || !target.startsWith(base) || target.equals(base)) {
                throw new StoreBackup.RestoreException("The backup names a file outside the blob folder: '"
                        + entry.getName() + "'. It was not written by amlite; nothing was restored.");
            }
            Files.createDirectories(target.getParent());
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            count++;
        }
        return count;
    }

    /**
     * Moves the staged blob folder to {@code blobs}, which holds no file (checked first: a restore must not mix two
     * servers' files); an empty one is replaced.
     */
    static void install(Path staging, Path blobs) throws IOException {
        if (!Files.isDirectory(staging)) {
            return;  // a backup of a server with no files
        }
        FileTrees.delete(blobs);
        Files.createDirectories(blobs.getParent());
        Files.move(staging, blobs, StandardCopyOption.ATOMIC_MOVE);
    }
}
