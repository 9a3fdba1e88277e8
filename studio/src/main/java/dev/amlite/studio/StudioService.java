package dev.amlite.studio;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the studio's files (under {@code /studio}): a fixed list read from the classpath once, so no request can
 * name any other file. The pages call the same ARM API as the CLI with the signed-in user's token; this service
 * sees no token and no resource. Every answer forbids framing and inline scripts.
 */
public final class StudioService implements HttpService {
    /** Every file the studio has; a name not here is a 404. */
    static final List<String> FILES = List.of("index.html", "studio.css", "app.js", "api.js", "dom.js", "views.js",
            "endpoint.js", "datastores.js", "job.js", "chart.js");

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");

    private final Map<String, StudioFile> files;

    public StudioService() {
        Map<String, StudioFile> loaded = new LinkedHashMap<>();
        for (String name : FILES) {
            loaded.put(name, StudioFile.load(name));
        }
        this.files = Map.copyOf(loaded);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (request, response) -> {
                    // Without the slash, the page's relative links would name /app.js instead of /studio/app.js.
                    String asked = request.prologue().uriPath().rawPath();
                    if (!asked.endsWith("/")) {
                        response.status(Status.MOVED_PERMANENTLY_301);
                        response.header(HeaderNames.LOCATION, asked + "/");
                        response.send();
                        return;
                    }
                    send(request, response, "index.html");
                })
                .get("/{file}", (request, response) ->
                        send(request, response, request.path().pathParameters().get("file")));
    }

    private void send(ServerRequest request, ServerResponse response, String name) {
        response.header(NOSNIFF, "nosniff");
        response.header(CSP, CONTENT_SECURITY_POLICY);
        response.header(REFERRER_POLICY, "no-referrer");
        response.header(FRAME_OPTIONS, "DENY");
        StudioFile file = files.get(name);
        if (file == null) {
            response.status(Status.NOT_FOUND_404);
            response.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.send("The studio has no file '" + name + "'. Open /studio/ to start.");
            return;
        }
        // Revalidated on every load, so a new build's pages are never mixed with an old one's scripts.
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        response.header(HeaderNames.ETAG, file.etag());
        if (request.headers().contains(HeaderNames.IF_NONE_MATCH)
                && request.headers().get(HeaderNames.IF_NONE_MATCH).values().contains(file.etag())) {
            response.status(Status.NOT_MODIFIED_304);
            response.send();
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, file.contentType());
        response.send(file.content());
    }

    /** One file of the studio, held in memory. */
    record StudioFile(String name, byte[] content, String contentType, String etag) {
        static StudioFile load(String name) {
            try (InputStream in = StudioService.class.getResourceAsStream("web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the studio's file " + name + " is missing from the jar");
                }
                byte[] content = in.readAllBytes();
                return new StudioFile(name, content, contentType(name), "\"" + HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(content), 0, 16) + "\"");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        static String contentType(String name) {
            String charset = "; charset=utf-8";
            if (name.endsWith(".html")) {
                return "text/html" + charset;
            }
            if (name.endsWith(".css")) {
                return "text/css" + charset;
            }
            if (name.endsWith(".js")) {
                return "text/javascript" + charset;
            }
            throw new IllegalStateException("no content type for " + name);
        }
    }
}
