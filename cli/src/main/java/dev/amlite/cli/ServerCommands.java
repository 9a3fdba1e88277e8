package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code amlite server backup}: the server's store, taken while it runs, into a local file. ({@code server start}
 * and {@code server restore} run the server's own jar; the launcher sends them there.)
 */
@Command(name = "server", description = "The amlite server: 'server start' and 'server restore' run it locally.",
        subcommands = ServerCommands.Backup.class)
final class ServerCommands {
    @Command(name = "backup", description = "Write a backup of the server's store (every resource, principal, "
            + "sealed secret, job and MLflow record) to a file, while the server runs; with --with-files also the "
            + "files of amlite-held storage accounts (models, code, data, job outputs and logs). Needs Owner at '/'. "
            + "Restore it with "
            + "'amlite server restore --file F' and the same master key.")
    static final class Backup extends Leaf {
        @Option(names = {"-f", "--file"}, required = true, description = "Where to write the backup (gzip'd, or a "
                + "zip with --with-files).")
        Path file;
        @Option(names = "--with-files", description = "Also the files: models, code, data, job outputs and "
                + "logs in amlite-held storage accounts.")
        boolean withFiles;

        @Override
        JsonNode run(Session session) {
            String server = session.profile().server();
            Path target = file.toAbsolutePath();
            Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(server + "/amlite/backup"
                                + (withFiles ? "?files=true" : "")))
                        .header("Authorization", "Bearer " + session.token().token()).GET().build();
                HttpResponse<Path> response = session.http(session.profile().caFile()).send(request,
                        HttpResponse.BodyHandlers.ofFile(partial));
                if (response.statusCode() != 200) {
                    JsonNode error;
                    try {
                        error = Json.parse(Files.readString(partial)).path("error");
                    } catch (RuntimeException notJson) {
                        error = Json.object();
                    }
                    throw new CliError("(" + error.path("code").asText("HTTP " + response.statusCode()) + ") "
                            + error.path("message").asText("The server answered " + response.statusCode()), 1);
                }
                ObjectNode summary = withFiles ? checkZip(partial) : check(partial);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                summary.put("file", target.toString());
                summary.put("bytes", Files.size(target));
                return summary;
            } catch (IOException e) {
                throw new UncheckedIOException("Writing the backup to " + target + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliError("Interrupted", 1);
            } finally {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // the file is hidden and named as partial
                }
            }
        }

        /** A whole backup with files: a zip with its end (central directory), its store whole, and its count. */
        private static ObjectNode checkZip(Path partial) throws IOException {
            try (ZipFile zip = new ZipFile(partial.toFile(), StandardCharsets.UTF_8)) {
                ZipEntry store = zip.getEntry("store.gz");
                ZipEntry end = zip.getEntry("backup.json");
                if (store == null || end == null) {
                    throw new CliError("The backup arrived without its " + (store == null ? "store" : "end") + ": the "
                            + "server stopped while writing it; nothing was written. The server's log says why.", 1);
                }
                ObjectNode summary = check(() -> zip.getInputStream(store));
                JsonNode counts;
                try (InputStream in = zip.getInputStream(end)) {
                    counts = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                summary.put("files", counts.path("files").asLong());
                summary.put("fileBytes", counts.path("bytes").asLong());
                return summary;
            } catch (java.util.zip.ZipException e) {
                throw new CliError("The backup arrived damaged or cut short (" + e.getMessage() + "); nothing was "
                        + "written. The server's log says why.", 1);
            }
        }

        private static ObjectNode check(Path partial) throws IOException {
            return check(() -> Files.newInputStream(partial));
        }

        /** Opens the gzip'd store backup. */
        @FunctionalInterface
        private interface Source {
            InputStream open() throws IOException;
        }

        /** The header and end line of a whole backup; a file cut short (no end line) is refused. */
        private static ObjectNode check(Source source) throws IOException {
            JsonNode header = null;
            String last = null;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                    source.open(), 1 << 16), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (header == null) {
                        header = Json.parse(line);
                    }
                    last = line;
                }
            } catch (IOException e) {
                throw new CliError("The backup arrived damaged or cut short (" + e.getMessage() + "); nothing was "
                        + "written. The server's log says why.", 1);
            }
            JsonNode end = last == null ? null : Json.parse(last).get("end");
            if (header == null || end == null) {
                throw new CliError("The backup arrived without its end line: the server stopped while writing it; "
                        + "nothing was written. The server's log says why.", 1);
            }
            ObjectNode summary = Json.object();
            summary.put("schemaVersion", header.path("schemaVersion").asInt());
            summary.put("createdAt", header.path("createdAt").asText());
            summary.put("tables", end.size());
            long rows = 0;
            for (JsonNode count : end) {
                rows += count.asLong();
            }
            summary.put("rows", rows);
            return summary;
        }
    }
}
