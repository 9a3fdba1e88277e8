package dev.amlite.server;

import dev.amlite.control.FileTrees;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.StoreBackup;
import dev.amlite.store.StoreVendor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;

/**
 * {@code amlite server restore --file F [--data-dir D] [--master-key-file K] [--db-url …]}: a backup taken with
 * {@code amlite server backup} goes into a new store, the embedded one of {@code D} or the database of
 * {@code --db-url}, before the first start of a server on it. The key is the one that sealed the backup's secrets:
 * {@code --master-key-file}, else the data directory's own. A data directory without a key gets a copy of the one
 * given, so that a plain {@code amlite up} on it opens the restored secrets.
 */
final class Restore {
    static final String USAGE = """
            Usage: amlite server restore --file BACKUP [--data-dir DIR] [--master-key-file FILE]
                                         [--db-url URL --db-user USER --db-password-file FILE]
              --file BACKUP              a file written by 'amlite server backup' (with --with-files, its
                                         files go into the data directory too)
              --data-dir DIR             the new server's data directory (default: ~/.amlite/data); its store must
                                         be empty (a new directory), unless --db-url names the store
              --master-key-file FILE     the master key of the server that took the backup (default: the data
                                         directory's secrets/master.key); copied there when it has none
              --db-url, --db-user, --db-password-file   an empty PostgreSQL database to restore into instead
            """;

    private Restore() {
    }

    /** Runs the restore and returns the exit status: 0 restored, 1 refused or failed, 2 usage. */
    static int run(List<String> arguments, Path home) {
        if (arguments.contains("--help") || arguments.contains("-h")) {
            return usage(null);
        }
        List<String> rest = new ArrayList<>(arguments);
        Path file = null;
        for (int i = 0; i < rest.size(); i++) {
            String argument = rest.get(i);
            if (argument.equals("--file") || argument.equals("-f")) {
                if (i + 1 == rest.size()) {
                    return usage("--file needs a value");
                }
                file = Path.of(rest.remove(i + 1));
                rest.remove(i);
                break;
            }
            if (argument.startsWith("--file=")) {
                file = Path.of(argument.substring("--file=".length()));
                rest.remove(i);
                break;
            }
        }
        if (file == null) {
            return usage("--file is required: the backup to restore");
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(rest, home);
        } catch (ServerOptions.UsageException e) {
            return usage(e.getMessage() == null ? null : e.getMessage());
        }
        try {
            return restore(file, options);
        } catch (StoreBackup.RestoreException e) {
            System.err.println("ERROR: " + e.getMessage());
            return 1;
        } catch (NoSuchFileException e) {
            System.err.println("ERROR: No such file: " + e.getFile());
            return 1;
        } catch (IOException | RuntimeException e) {
            System.err.println("ERROR: The restore failed: " + e.getMessage());
            return 1;
        }
    }

    private static int restore(Path file, ServerOptions options) throws IOException {
        Path dataDirectory = options.dataDirectory().toAbsolutePath();
        Path ownKey = dataDirectory.resolve("secrets").resolve("master.key");
        Optional<Path> given = options.masterKeyFile();
        if (given.isEmpty() && !Files.exists(ownKey)) {
            throw new StoreBackup.RestoreException("No master key: give the one of the server that took the backup "
                    + "with --master-key-file (that server's secrets/master.key, or the file it was started with).");
        }
        if (given.isPresent() && !Files.exists(given.get())) {
            throw new NoSuchFileException(given.get().toString()); // masterKey() would make a new key there
        }
        byte[] key = AmliteServer.masterKey(given.orElse(ownKey));
        if (given.isPresent() && Files.exists(ownKey) && !MessageDigest.isEqual(key, AmliteServer.masterKey(ownKey))) {
            throw new StoreBackup.RestoreException("The data directory " + dataDirectory + " has a master key of its "
                    + "own, other than --master-key-file's; a server started on it would not open the restored "
                    + "secrets. Restore into a new data directory.");
        }
        String url = options.databaseUrl().orElse(StoreVendor.embeddedH2Url(dataDirectory));
        String password = options.databasePasswordFile().isPresent()
                ? Files.readString(options.databasePasswordFile().get()).strip() : null;
        DatabaseConfig config = new DatabaseConfig(url, options.databaseUser().orElse(null), password, 2);
        long started = System.nanoTime();
        StoreBackup.Summary summary;
        long files = -1;
        if (BackupZip.isZip(file)) {
            try (ZipFile zip = BackupZip.open(file)) {
                Path blobs = AmliteServer.blobFolder(dataDirectory);
                if (!BackupZip.files(blobs).isEmpty()) {
                    throw new StoreBackup.RestoreException("The data directory " + dataDirectory + " already holds "
                            + "files (" + blobs + "); a backup's files go into a new --data-dir.");
                }
                // The files first, aside: a store restored without them would name files that are not there.
                Path staging = dataDirectory.resolve(".restoring-files");
                FileTrees.delete(staging);
                try {
                    files = BackupZip.extract(zip, staging);
                    long expected = BackupZip.end(zip).path("files").asLong(-1);
                    if (files != expected) {
                        throw new StoreBackup.RestoreException("The backup holds " + files + " files but says it has "
                                + expected + "; it is damaged. Nothing was restored.");
                    }
                    try (InputStream in = zip.getInputStream(zip.getEntry(BackupZip.STORE))) {
                        summary = StoreBackup.restore(config, BackupService.keyCheck(key), in);
                    }
                } catch (IOException | RuntimeException e) {
                    FileTrees.delete(staging);
                    throw e;
                }
                BackupZip.install(staging, blobs);
            }
        } else {
            try (InputStream in = Files.newInputStream(file)) {
                summary = StoreBackup.restore(config, BackupService.keyCheck(key), in);
            }
        }
        if (given.isPresent() && !Files.exists(ownKey)) {
            AmliteServer.writeMasterKey(ownKey, key);
        }
        System.out.printf("Restored %d rows of %d tables%s, taken %s at schema version %d, into %s in %d ms.%n",
                summary.totalRows(), summary.rows().size(), files < 0 ? "" : " and " + files + " files",
                summary.createdAt(), summary.schemaVersion(),
                options.databaseUrl().isPresent() ? "the database" : dataDirectory,
                (System.nanoTime() - started) / 1_000_000);
        if (files < 0) {
            System.out.println("The backup holds no files: copy the old server's DATA/blobs into " + dataDirectory
                    + " before the first start (or back up with --with-files).");
        }
        System.out.println("Start a server on it: amlite server start --data-dir " + dataDirectory
                + (options.databaseUrl().isPresent() ? " --db-url … (as given here)" : ""));
        return 0;
    }

    private static int usage(String message) {
        if (message != null) {
            System.err.println("ERROR: " + message);
        }
        System.err.print(USAGE);
        return 2;
    }
}
