package dev.amlite.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Azurite's blob service (from npm, installed in it/compat by .ci/run) on a free port, for the Azure Blob backend. */
final class Azurite implements AutoCloseable {
    /** Azurite's well-known development account. */
    static final String ACCOUNT = "devstoreaccount1";
    static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Pattern LISTENING = Pattern.compile("listens on (http://[0-9.]+:[0-9]+)");
    private final Process process;
    private final String url;

    private Azurite(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static Azurite start(Path location) throws IOException, InterruptedException {
        Path binary = Cli.root().resolve("it/compat/node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Azurite is not installed: run 'npm --prefix it/compat ci' (.ci/run does).");
        }
        Files.createDirectories(location);
        Process process = new ProcessBuilder(List.of(binary.toString(), "--blobHost", "127.0.0.1", "--blobPort", "0",
                "--location", location.toString(), "--skipApiVersionCheck", "--disableTelemetry", "--silent"))
                .redirectErrorStream(true).start();
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        address.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                address.completeExceptionally(e);
            }
            address.completeExceptionally(new IllegalStateException("Azurite exited before listening"));
        });
        try {
            return new Azurite(process, address.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("Azurite did not start: " + e.getMessage(), e);
        }
    }

    String blobEndpoint() {
        return url + "/" + ACCOUNT;
    }

    String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + blobEndpoint() + ";";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
