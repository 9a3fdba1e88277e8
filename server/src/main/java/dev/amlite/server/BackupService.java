package dev.amlite.server;

import dev.amlite.control.RootAccess;
import dev.amlite.core.ArmException;
import dev.amlite.store.Database;
import dev.amlite.store.StoreBackup;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * {@code GET /amlite/backup}: the whole store as a {@link StoreBackup}, streamed from one snapshot while the server
 * keeps serving (OP-3). Only for a token allowed {@code Microsoft.Authorization/backup/write} at {@code /}
 * ({@link RootAccess}). The file carries a check of the master key, never the key: a restore needs the key too.
 *
 * <p>With {@code ?files=true} the answer is a zip ({@link BackupZip}): the same store backup, then the blobs of
 * amlite-held storage accounts (which hold the jobs' logs too), taken after it, so that every file the snapshot
 * names is there (files are written once and replaced whole) but one deleted meanwhile, which is skipped.
 */
final class BackupService implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
    private final Database database;
    private final RootAccess access;
    private final String keyCheck;
    private final Path blobs;

    BackupService(Database database, RootAccess access, byte[] masterKey, Path blobs) {
        this.database = requireNonNull(database, "database is null");
        this.access = requireNonNull(access, "access is null");
        this.keyCheck = keyCheck(masterKey);
        this.blobs = requireNonNull(blobs, "blobs is null");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/backup", this::backup);
    }

    private void backup(ServerRequest request, ServerResponse response) {
        try {
            access.checkBackup(request.headers().first(HeaderNames.AUTHORIZATION));
        } catch (ArmException e) {
            HealthService.refuse(response, e);
            return;
        }
        long started = System.nanoTime();
        boolean withFiles = request.query().first("files").map("true"::equalsIgnoreCase).orElse(false);
        response.header(HeaderNames.CONTENT_TYPE, withFiles ? "application/zip" : "application/gzip");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        // A failure past the first bytes cannot change the status any more: the file then lacks its end line (or
        // the zip its end), and both the CLI and a restore refuse it.
        try (OutputStream out = response.outputStream()) {
            if (withFiles) {
                BackupZip.Summary summary = BackupZip.write(out, store -> StoreBackup.write(database, keyCheck, store),
                        blobs);
                LOG.info("Backup with files taken: {} rows of {} tables, {} files of {} bytes, in {} ms",
                        summary.store().totalRows(), summary.store().rows().size(), summary.files(), summary.bytes(),
                        (System.nanoTime() - started) / 1_000_000);
                return;
            }
            StoreBackup.Summary summary = StoreBackup.write(database, keyCheck, out);
            LOG.info("Store backup taken: {} rows of {} tables at schema version {} in {} ms", summary.totalRows(),
                    summary.rows().size(), summary.schemaVersion(), (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Store backup failed after {} ms: {}", (System.nanoTime() - started) / 1_000_000, e.toString());
        }
    }

    /**
     * What a backup carries of the master key: an HMAC of a fixed text under it, which tells a restore whether it
     * was given the same key and says nothing of the key.
     */
    static String keyCheck(byte[] masterKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterKey, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal("amlite store backup key check"
                    .getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
