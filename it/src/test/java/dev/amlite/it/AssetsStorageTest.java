package dev.amlite.it;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.HttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * AS-6: what the blob stores guarantee — signed URLs scoped to their prefix, content checked end to end, a cut-off
 * upload leaving nothing visible and nothing registered, abandoned uploads swept after the TTL — and the Azure
 * Blob backend against Azurite, where clients upload straight to the blob service.
 */
class AssetsStorageTest {
    private static final String API = "?api-version=2024-04-01";
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;
    static HttpClient http;
    static String workspace;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"), "--pending-upload-ttl", "2s");
        http = HttpTransport.client(server.dataDirectory().resolve("tls").resolve("server.crt"));
        cli = new Cli(temporary.resolve("config"));
        cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                "--data-dir", server.dataDirectory().toString());
        cli.ok("group", "create", "-n", "rg1", "-l", "japaneast");
        workspace = Json.parse(cli.ok("ml", "workspace", "create", "-n", "mlw", "-g", "rg1")).path("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode pendingUpload(String uploadId) throws Exception {
        TestServer.Answer answer = server.call("POST", workspace + "/models/m/versions/1/startPendingUpload" + API,
                server.adminToken(), "{\"pendingUploadId\":\"" + uploadId + "\",\"pendingUploadType\":\"TemporaryBlobReference\"}");
        assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
        return answer.body().path("blobReferenceForConsumption");
    }

    static HttpResponse<String> put(String url, byte[] content, String md5) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        if (md5 != null) {
            request.header("Content-MD5", md5);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String blobUrl(JsonNode reference, String name) {
        String sas = reference.path("credential").path("sasUri").asText();
        return sas.substring(0, sas.indexOf('?')) + "/" + name + sas.substring(sas.indexOf('?'));
    }

    @Test
    void signedUrlsAreScopedAndContentIsCheckedEndToEnd() throws Exception {
        JsonNode reference = pendingUpload("scoped");
        assertThat(reference.path("blobUri").asText()).startsWith(server.url() + "/storage/");
        HttpResponse<String> wrongMd5 = put(blobUrl(reference, "a.txt"), "hello".getBytes(), "AAAAAAAAAAAAAAAAAAAAAA==");
        assertThat(wrongMd5.statusCode()).isEqualTo(400);
        assertThat(wrongMd5.headers().firstValue("x-ms-error-code")).hasValue("Md5Mismatch");
        HttpResponse<String> ok = put(blobUrl(reference, "a.txt"), "hello".getBytes(), "XUFAKrxLKna5cZ2REBfFkg==");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.headers().firstValue("Content-MD5")).hasValue("XUFAKrxLKna5cZ2REBfFkg==");

        String sas = reference.path("credential").path("sasUri").asText();
        String outside = sas.replace("/LocalUpload/scoped?", "/LocalUpload/other/x.txt?");
        assertThat(put(outside, "x".getBytes(), null).headers().firstValue("x-ms-error-code"))
                .hasValue("AuthorizationPermissionMismatch");
        String widened = sas.replace("spfx=LocalUpload%2Fscoped", "spfx=LocalUpload").replace("/LocalUpload/scoped?", "/LocalUpload/y.txt?");
        assertThat(put(widened, "x".getBytes(), null).headers().firstValue("x-ms-error-code")).hasValue("AuthenticationFailed");
        assertThat(put(blobUrl(reference, "..%2F..%2Fescape.txt"), "x".getBytes(), null).statusCode()).isIn(400, 403);
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(blobUrl(reference, "a.txt")))
                .header("Range", "bytes=1-3").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(206);
        assertThat(read.body()).isEqualTo("ell");
    }

    @Test
    void aCutOffUploadLeavesNothingVisibleAndAbandonedUploadsAreSwept() throws Exception {
        JsonNode reference = pendingUpload("cutoff");
        byte[] chunk = new byte[1 << 20];
        // A body that fails after 3 MiB of a declared 64 MiB: the connection drops mid-upload.
        Flow.Publisher<ByteBuffer> failing = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            int sent;

            @Override
            public void request(long n) {
                for (long i = 0; i < n; i++) {
                    if (sent++ < 3) {
                        subscriber.onNext(ByteBuffer.wrap(chunk));
                    } else {
                        subscriber.onError(new java.io.IOException("cut off"));
                        return;
                    }
                }
            }

            @Override
            public void cancel() {
            }
        });
        HttpRequest request = HttpRequest.newBuilder(URI.create(blobUrl(reference, "model/big.bin")))
                .header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(failing, 64L << 20)).build();
        try {
            http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException expected) {
            // the client gave up, as a killed upload would
        }
        String datastoreUri = reference.path("datastoreUri").asText();
        TestServer.Answer register = server.call("PUT", workspace + "/models/cut/versions/1" + API, server.adminToken(),
                "{\"properties\":{\"modelUri\":\"" + datastoreUri + "/model/\"}}");
        assertThat(register.code()).isEqualTo("UploadIncomplete");
        assertThat(server.call("GET", workspace + "/models/cut" + API, server.adminToken(), (String) null).status()).isEqualTo(404);

        // A finished upload that nobody registers is removed once the TTL (2 s here) has passed.
        JsonNode abandoned = pendingUpload("abandoned");
        assertThat(put(blobUrl(abandoned, "model/w.bin"), "w".getBytes(), null).statusCode()).isEqualTo(201);
        JsonNode kept = pendingUpload("kept");
        assertThat(put(blobUrl(kept, "model/w.bin"), "k".getBytes(), null).statusCode()).isEqualTo(201);
        assertThat(server.call("PUT", workspace + "/models/kept/versions/1" + API, server.adminToken(),
                "{\"properties\":{\"modelUri\":\"" + kept.path("datastoreUri").asText() + "/model/\"}}").status()).isEqualTo(201);
        Path blobs = server.dataDirectory().resolve("blobs");
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && files(blobs).anyMatch(p -> p.contains("LocalUpload/abandoned"))) {
            Thread.sleep(200);
        }
        assertThat(files(blobs)).noneMatch(p -> p.contains("LocalUpload/abandoned"))
                .anyMatch(p -> p.contains("LocalUpload/kept/model/w.bin"))
                .noneMatch(p -> p.contains(".amlite-upload-"));
    }

    private static Stream<String> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(Path::toString).toList().stream();
        }
    }

    @Test
    void azureBlobBackendUploadsStraightToTheBlobService() throws Exception {
        try (Azurite azurite = Azurite.start(temporary.resolve("azurite"))) {
            Path connection = temporary.resolve("azurite.conn");
            Files.writeString(connection, azurite.connectionString());
            JsonNode account = Json.parse(cli.ok("storage", "account", "create", "-n", "azstore", "-g", "rg1",
                    "--blob-connection-string-file", connection.toString()));
            assertThat(account.path("properties").path("primaryEndpoints").path("blob").asText())
                    .isEqualTo(azurite.blobEndpoint() + "/");
            assertThat(account.toString()).doesNotContain(Azurite.KEY);
            assertThat(cli.ok("storage", "account", "keys", "list", "-n", "azstore", "-g", "rg1", "--query", "[0].value",
                    "-o", "tsv").strip()).isEqualTo(Azurite.KEY);
            cli.ok("ml", "workspace", "create", "-n", "mlw-az", "-g", "rg1", "--storage-account", account.path("id").asText());

            Path model = temporary.resolve("az-model");
            Files.createDirectories(model);
            byte[] weights = new byte[2 * 1024 * 1024 + 3];
            new Random(7).nextBytes(weights);
            Files.write(model.resolve("weights.bin"), weights);
            JsonNode version = Json.parse(cli.ok("ml", "model", "create", "-w", "mlw-az", "-g", "rg1", "--name", "reg",
                    "--path", model.toString()));
            String container = Json.parse(cli.ok("ml", "datastore", "show", "-w", "mlw-az", "-g", "rg1", "-n",
                    "workspaceblobstore")).path("container_name").asText();
            String blobName = version.path("path").asText().replaceAll(".*/paths/", "") + "weights.bin";

            // The official Azure storage client sees the file in Azurite: the bytes never went through amlite.
            var blob = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                    .getBlobContainerClient(container).getBlobClient(blobName);
            assertThat(blob.exists()).isTrue();
            assertThat(blob.downloadContent().toBytes()).isEqualTo(weights);

            Path out = temporary.resolve("az-out");
            cli.ok("ml", "model", "download", "-w", "mlw-az", "-g", "rg1", "-n", "reg", "-v", "1", "--download-path", out.toString());
            assertThat(Files.readAllBytes(out.resolve("reg/az-model/weights.bin"))).isEqualTo(weights);
        }
    }
}
