package dev.amlite.studio;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The studio's files over a real web server: what it serves, what it refuses, and the headers on each. */
class StudioServiceTest {
    private static WebServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = WebServer.builder().port(0).routing(routing -> routing.register("/studio", new StudioService()))
                .build().start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyFileAPageOrScriptNamesIsServedWithItsTypeSoNoneIsForgottenInTheList() throws Exception {
        List<String> named = new ArrayList<>();
        for (String file : StudioService.FILES) {
            String content = resource(file);
            Matcher references = Pattern.compile("(?:from |import |href=|src=)['\"](?:/studio/|\\./)([^'\"]+)['\"]")
                    .matcher(content);
            while (references.find()) {
                named.add(references.group(1));
            }
        }
        assertThat(named).as("the pages' own references").contains("app.js", "studio.css", "api.js", "dom.js", "views.js", "endpoint.js", "datastores.js", "job.js", "chart.js");
        assertThat(StudioService.FILES).containsAll(named);
        for (String file : named) {
            HttpResponse<String> answer = get("/studio/" + file);
            assertThat(answer.statusCode()).as(file).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith(file.endsWith(".js") ? "text/javascript" : "text/css");
        }
    }

    @Test
    void theFolderServesThePageAndWithoutItsSlashRedirectsToIt() throws Exception {
        HttpResponse<String> page = get("/studio/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/studio/app.js\">");
        HttpResponse<String> bare = get("/studio");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("/studio/");
    }

    @Test
    void anyOtherNameIsA404AndNoPathLeavesTheFolder() throws Exception {
        for (String other : List.of("/studio/pom.xml", "/studio/StudioService.class", "/studio/..%2FStudioService.class",
                "/studio/..%2F..%2F..%2F..%2FMETA-INF%2FMANIFEST.MF", "/studio/web%2Fapp.js", "/studio/a/app.js")) {
            HttpResponse<String> answer = get(other);
            assertThat(answer.statusCode()).as(other).isIn(400, 404);
            assertThat(answer.body()).as(other).doesNotContain("Manifest-Version").doesNotContain("import ");
        }
    }

    @Test
    void everyAnswerForbidsFramingSniffingAndInlineScriptAndAnUnchangedFileIsA304() throws Exception {
        for (String path : List.of("/studio/", "/studio/app.js", "/studio/nothing.js")) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("default-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        }
        HttpResponse<String> first = get("/studio/app.js");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(get("/studio/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/studio/api.js", "If-None-Match", etag).statusCode()).as("another file's tag").isEqualTo(200);
    }

    @Test
    void noPageWritesMarkupFromText() throws Exception {
        // Names, messages and log lines from the server go in as text; innerHTML would let them become markup.
        for (String file : StudioService.FILES) {
            assertThat(resource(file)).as(file).doesNotContain("innerHTML").doesNotContain("outerHTML")
                    .doesNotContain("insertAdjacentHTML").doesNotContain("document.write").doesNotContain("eval(");
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StudioService.class.getResourceAsStream("web/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
