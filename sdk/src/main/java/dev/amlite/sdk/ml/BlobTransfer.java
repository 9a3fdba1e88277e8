package dev.amlite.sdk.ml;

import dev.amlite.sdk.AmliteException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import static java.util.Objects.requireNonNull;

/**
 * Moves files to and from a blob prefix given as a signed URL ({@code https://…/<container>/<prefix>?<sas>}),
 * speaking Azure's Blob REST API, so the same code talks to amlite's own blob service, Azurite and Azure. Files
 * stream (never held whole in memory), several at a time; every file is checked end to end against the MD5 the
 * service reports; files already there with the same MD5 are skipped, which is how a rerun resumes.
 */
public final class BlobTransfer {
    private static final String VERSION = "2021-08-06";
    /** From this size on a file moves over a blocking connection (see {@link #open}). */
    private static final long LARGE = 8L << 20;
    private final HttpClient http;
    private final Consumer<Progress> progress;
    private final int parallelism;

    /** How far a transfer is; reported after each file. */
    public record Progress(int filesDone, int files, long bytesDone, long bytes, int skipped) {
    }

    public BlobTransfer(HttpClient http, Consumer<Progress> progress, int parallelism) {
        this.http = requireNonNull(http, "http is null");
        this.progress = progress == null ? p -> { } : progress;
        this.parallelism = Math.max(1, parallelism);
    }

    /**
     * Uploads a file, or a folder with everything below it, under the signed prefix. Returns the name the source
     * got there: the file's name, or the folder's name followed by '/'.
     */
    public String upload(Path source, String sasUri) {
        Path root = realPath(source);
        boolean folder = Files.isDirectory(root);
        String top = root.getFileName().toString();
        Map<String, Path> files = new java.util.TreeMap<>();
        if (folder) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : walk.toList()) {
                    if (Files.isSymbolicLink(path) && !realPath(path).startsWith(root)) {
                        throw new IllegalArgumentException("'" + path + "' is a symbolic link to '" + realPath(path)
                                + "', outside the folder being uploaded (" + root + "). Copy the file in, or name "
                                + "that folder itself.");
                    }
                    if (Files.isRegularFile(path)) {
                        files.put(top + "/" + root.relativize(path).toString().replace('\\', '/'), path);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            files.put(top, root);
        }
        SignedUrl target = SignedUrl.parse(sasUri);
        Map<String, Remote> existing = list(target, target.prefix().isEmpty() ? "" : target.prefix() + "/");
        long total = files.values().stream().mapToLong(BlobTransfer::size).sum();
        Counter counter = new Counter(files.size(), total);
        runAll(files.entrySet().stream().map(entry -> (Task) () -> {
            String name = target.child(entry.getKey());
            Path file = entry.getValue();
            Remote remote = existing.get(name);
            if (remote != null && remote.size() == size(file) && remote.md5() != null && remote.md5().equals(md5(file))) {
                counter.done(size(file), true);
                return;
            }
            put(target, name, file);
            counter.done(size(file), false);
        }).toList());
        return folder ? top + "/" : top;
    }

    /**
     * Downloads every blob under the signed prefix into {@code destination}, keeping the path below the prefix's
     * parent (so a folder keeps its name). Files already there with the same MD5 are skipped.
     */
    public List<Path> download(String sasUri, Path destination) {
        SignedUrl source = SignedUrl.parse(sasUri);
        Map<String, Remote> blobs = list(source, source.prefix());
        String prefix = source.prefix();
        String parent = prefix.contains("/") ? prefix.substring(0, prefix.lastIndexOf('/') + 1) : "";
        Path base = destination.toAbsolutePath().normalize();
        List<Path> written = new ArrayList<>();
        Counter counter = new Counter(blobs.size(), blobs.values().stream().mapToLong(Remote::size).sum());
        List<Task> tasks = new ArrayList<>();
        for (Remote blob : blobs.values()) {
            if (!(blob.name().equals(prefix) || blob.name().startsWith(prefix.endsWith("/") ? prefix : prefix + "/"))) {
                continue;
            }
            Path file = base.resolve(blob.name().substring(parent.length())).normalize();
            if (!file.startsWith(base)) {
                throw new IllegalStateException("The blob '" + blob.name() + "' would be written outside " + base
                        + "; refusing it.");
            }
            written.add(file);
            tasks.add(() -> {
                if (Files.isRegularFile(file) && size(file) == blob.size() && blob.md5() != null
                        && blob.md5().equals(md5(file))) {
                    counter.done(blob.size(), true);
                    return;
                }
                get(source, blob, file);
                counter.done(blob.size(), false);
            });
        }
        runAll(tasks);
        return written;
    }

    private void put(SignedUrl target, String name, Path file) throws IOException, InterruptedException {
        if (size(file) >= LARGE) {
            putLarge(target.urlOf(name), file);
            return;
        }
        MessageDigest digest = digest();
        HttpRequest request = HttpRequest.newBuilder(target.urlOf(name)).timeout(Duration.ofHours(2))
                .header("x-ms-blob-type", "BlockBlob").header("x-ms-version", VERSION)
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return new DigestInputStream(Files.newInputStream(file), digest);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), size(file))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw failure("upload of " + file, response.statusCode(), response.headers().firstValue("x-ms-error-code")
                    .orElse(""), response.body());
        }
        checkStored(file, Base64.getEncoder().encodeToString(digest.digest()),
                response.headers().firstValue("Content-MD5").orElse(null));
    }

    private static void checkStored(Path file, String sent, String stored) {
        if (stored != null && !stored.equals(sent)) {
            throw new IllegalStateException("The upload of " + file + " was corrupted in transit: the service stored "
                    + "MD5 " + stored + ", the file has " + sent + ". Run the command again to retry it.");
        }
    }

    /**
     * Large files go over a blocking connection: measured on one 512 MiB file over TLS, the JDK's asynchronous
     * client moved it in 5.2-7.6 s and a blocking stream with 1 MiB writes in 3.2-3.7 s; for many small files the
     * asynchronous client is the faster one (docs/benchmarks.md).
     */
    private HttpURLConnection open(URI url, String method) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(http.sslContext().getSocketFactory());
        }
        connection.setRequestMethod(method);
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout((int) Duration.ofMinutes(10).toMillis());
        connection.setRequestProperty("x-ms-version", VERSION);
        return connection;
    }

    private void putLarge(URI url, Path file) throws IOException {
        HttpURLConnection connection = open(url, "PUT");
        connection.setRequestProperty("x-ms-blob-type", "BlockBlob");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(size(file));
        MessageDigest digest = digest();
        try (InputStream in = Files.newInputStream(file); OutputStream out = connection.getOutputStream()) {
            copy(in, out, digest);
        }
        int status = connection.getResponseCode();
        if (status != 201) {
            throw failure("upload of " + file, status, Objects.toString(connection.getHeaderField("x-ms-error-code"), ""),
                    errorBody(connection));
        }
        connection.getInputStream().close();
        checkStored(file, Base64.getEncoder().encodeToString(digest.digest()), connection.getHeaderField("Content-MD5"));
    }

    private static void copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 20];
        int read;
        while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
            digest.update(buffer, 0, read);
            out.write(buffer, 0, read);
        }
    }

    private static String errorBody(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getErrorStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void get(SignedUrl source, Remote blob, Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling("." + file.getFileName() + ".amlite-part");
        if (blob.size() >= LARGE) {
            getLarge(source.urlOf(blob.name()), blob, file, partial);
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(source.urlOf(blob.name())).timeout(Duration.ofHours(2))
                .header("x-ms-version", VERSION).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            throw failure("download of " + blob.name(), response.statusCode(),
                    response.headers().firstValue("x-ms-error-code").orElse(""), body);
        }
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(response.body(), digest); OutputStream out = Files.newOutputStream(partial)) {
            in.transferTo(out);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        complete(blob, file, partial, Base64.getEncoder().encodeToString(digest.digest()),
                response.headers().firstValue("Content-MD5").orElse(blob.md5()));
    }

    private void getLarge(URI url, Remote blob, Path file, Path partial) throws IOException {
        HttpURLConnection connection = open(url, "GET");
        int status = connection.getResponseCode();
        if (status != 200) {
            throw failure("download of " + blob.name(), status,
                    Objects.toString(connection.getHeaderField("x-ms-error-code"), ""), errorBody(connection));
        }
        MessageDigest digest = digest();
        try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(partial)) {
            copy(in, out, digest);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        complete(blob, file, partial, Base64.getEncoder().encodeToString(digest.digest()),
                Objects.requireNonNullElse(connection.getHeaderField("Content-MD5"), Objects.toString(blob.md5(), "")));
    }

    /** Puts a downloaded file in place once its MD5 matches the service's, else removes it. */
    private static void complete(Remote blob, Path file, Path partial, String got, String expected) throws IOException {
        if (expected != null && !expected.isEmpty() && !expected.equals(got)) {
            Files.deleteIfExists(partial);
            throw new IllegalStateException("The download of " + blob.name() + " was corrupted in transit (MD5 "
                    + got + ", the service has " + expected + "). Run the command again to retry it.");
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private record Remote(String name, long size, String md5) {
    }

    /** Lists blobs under a prefix, page by page. */
    private Map<String, Remote> list(SignedUrl container, String prefix) {
        Map<String, Remote> blobs = new java.util.LinkedHashMap<>();
        String marker = "";
        do {
            URI uri = URI.create(container.containerUrl() + "?restype=container&comp=list&prefix="
                    + encode(prefix) + (marker.isEmpty() ? "" : "&marker=" + encode(marker)) + "&" + container.sas());
            HttpResponse<byte[]> response;
            try {
                response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                        .header("x-ms-version", VERSION).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot reach the blob service at " + container.containerUrl(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
            if (response.statusCode() != 200) {
                throw failure("listing of " + prefix, response.statusCode(),
                        response.headers().firstValue("x-ms-error-code").orElse(""),
                        new String(response.body(), StandardCharsets.UTF_8));
            }
            Document xml = parse(response.body());
            NodeList items = xml.getElementsByTagName("Blob");
            for (int i = 0; i < items.getLength(); i++) {
                Element blob = (Element) items.item(i);
                String name = text(blob, "Name");
                String md5 = text(blob, "Content-MD5");
                blobs.put(name, new Remote(name, Long.parseLong(text(blob, "Content-Length")), md5.isEmpty() ? null : md5));
            }
            marker = text(xml.getDocumentElement(), "NextMarker");
        } while (!marker.isEmpty());
        return blobs;
    }

    /** A signed URL split into container URL, prefix and signature. */
    record SignedUrl(String containerUrl, String prefix, String sas) {
        static SignedUrl parse(String sasUri) {
            int query = sasUri.indexOf('?');
            if (query < 0) {
                throw new IllegalArgumentException("The blob URL carries no signature (no '?').");
            }
            String path = sasUri.substring(0, query);
            URI uri = URI.create(path);
            // The container is the last path segment before the prefix: account URLs may have a path of their
            // own (amlite: /storage/<account>/blob, Azurite: /<account>), so count from the known blob prefix.
            String raw = uri.getRawPath();
            int containerStart = containerStart(raw, uri.getHost());
            int containerEnd = raw.indexOf('/', containerStart);
            String containerPath = containerEnd < 0 ? raw : raw.substring(0, containerEnd);
            String prefix = containerEnd < 0 ? "" : java.net.URLDecoder.decode(raw.substring(containerEnd + 1)
                    .replace("+", "%2B"), StandardCharsets.UTF_8);
            String base = path.substring(0, path.indexOf(raw)) + containerPath;
            return new SignedUrl(base, prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix,
                    sasUri.substring(query + 1));
        }

        /**
         * Where the container name starts in the URL's path: after amlite's {@code /storage/<account>/blob/};
         * after the account segment for path-style services on an IP address or localhost (Azurite, as Azure's
         * own SDK decides); else at the start (Azure's {@code <account>.blob.core.windows.net/<container>}).
         */
        private static int containerStart(String rawPath, String host) {
            int blob = rawPath.indexOf("/blob/");
            if (rawPath.startsWith("/storage/") && blob > 0) {
                return blob + "/blob/".length();
            }
            boolean pathStyle = host != null && (host.equals("localhost") || host.matches("[0-9.]+") || host.contains(":")
                    || host.startsWith("["));
            if (pathStyle) {
                int second = rawPath.indexOf('/', 1);
                return second < 0 ? rawPath.length() : second + 1;
            }
            return 1;
        }

        /** The blob name of a path relative to the prefix. */
        String child(String relative) {
            return prefix.isEmpty() ? relative : prefix + "/" + relative;
        }

        URI urlOf(String blobName) {
            StringBuilder encoded = new StringBuilder();
            for (String segment : blobName.split("/")) {
                encoded.append('/').append(encode(segment));
            }
            return URI.create(containerUrl + encoded + "?" + sas);
        }
    }

    private interface Task {
        void run() throws IOException, InterruptedException;
    }

    private void runAll(List<Task> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, tasks.size())));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Task task : tasks) {
                futures.add(pool.submit(() -> {
                    task.run();
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof IOException io) {
                        throw new UncheckedIOException(io.getMessage(), io);
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private final class Counter {
        private final int files;
        private final long bytes;
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();
        private final AtomicLong bytesDone = new AtomicLong();

        Counter(int files, long bytes) {
            this.files = files;
            this.bytes = bytes;
        }

        void done(long size, boolean skip) {
            int n = done.incrementAndGet();
            int s = skip ? skipped.incrementAndGet() : skipped.get();
            progress.accept(new Progress(n, files, bytesDone.addAndGet(size), bytes, s));
        }
    }

    private static AmliteException failure(String what, int status, String code, String body) {
        String message = body;
        int start = body.indexOf("<Message>");
        int end = body.indexOf("</Message>");
        if (start >= 0 && end > start) {
            message = body.substring(start + 9, end).replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&quot;", "\"").replace("&amp;", "&");
        }
        return new AmliteException(status, code.isEmpty() ? "BlobError" : code, "The " + what + " failed: "
                + message.strip(), null);
    }

    private static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IllegalStateException("The blob service answered a listing that is not XML: " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String md5(Path file) {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("The path '" + path + "' does not exist.", e);
        }
    }
}
