package dev.amlite.it;

import dev.amlite.core.Json;
import dev.amlite.sdk.HttpTransport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ten wrong passwords in a row lock a user name from that address for a minute, the right password included, and
 * say so; an unknown name locks the same way (the answers tell no one which names exist); other users sign in.
 * Behind a proxy named by --trusted-proxies, X-Forwarded-For says who the client is; from anyone else it is ignored.
 * A lock outlives a restart.
 */
class SignInLockoutTest {
    @TempDir
    Path temporary;

    @Test
    void tenWrongPasswordsLockTheNameEvenForTheRightOneAndOtherUsersStillSignIn() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"))) {
            Cli cli = Cli.withWorkspace(server, temporary.resolve("config"));
            cli.ok("ad", "user", "create", "--display-name", "Dana", "--user-principal-name", "dana@contoso.com",
                    "--password", "Dana-pa55word", "-o", "none");
            for (String name : new String[] {"dana@contoso.com", "nobody@contoso.com"}) {
                for (int i = 0; i < 10; i++) {
                    TestServer.Answer wrong = server.form("/organizations/oauth2/v2.0/token",
                            "grant_type=password&username=" + name + "&password=guess-" + i);
                    assertThat(wrong.body().path("error_description").asText()).as(name + " try " + i)
                            .startsWith("AADSTS50126");
                }
                TestServer.Answer locked = server.form("/organizations/oauth2/v2.0/token",
                        "grant_type=password&username=" + name + "&password=guess-10");
                assertThat(locked.status()).isEqualTo(400);
                assertThat(locked.body().path("error_description").asText()).as(name).startsWith("AADSTS50053")
                        .contains("Try again in 60 s");
            }
            assertThat(signIn(server, "dana@contoso.com", "guess", "203.0.113.99")).as("a header from anyone is ignored")
                    .startsWith("AADSTS50053");
            Cli dana = new Cli(temporary.resolve("dana"));
            Cli.Result refused = dana.run("login", "--server", server.url(), "--username", "dana@contoso.com",
                    "--password", "Dana-pa55word", "--data-dir", server.dataDirectory().toString());
            assertThat(refused.exitCode()).as("the right password, while locked").isNotZero();
            assertThat(refused.err()).contains("AADSTS50053");
            cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", server.dataDirectory().toString());
        }
        // The lock is in the store: a restart does not lift it (nor would another replica sharing the store).
        try (TestServer again = TestServer.start(temporary.resolve("data"))) {
            TestServer.Answer stillLocked = again.form("/organizations/oauth2/v2.0/token",
                    "grant_type=password&username=dana@contoso.com&password=Dana-pa55word");
            assertThat(stillLocked.status()).isEqualTo(400);
            assertThat(stillLocked.body().path("error_description").asText()).startsWith("AADSTS50053");
            assertThat(signIn(again, "admin", TestServer.ADMIN_PASSWORD, null)).as("other users").isEmpty();
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnCount() throws Exception {
        try (TestServer server = TestServer.start(temporary.resolve("data"), "--trusted-proxies", "127.0.0.0/8")) {
            for (int i = 0; i < 10; i++) {
                assertThat(signIn(server, "admin", "guess-" + i, "198.51.100.1, 203.0.113.7")).startsWith("AADSTS50126");
            }
            assertThat(signIn(server, "admin", TestServer.ADMIN_PASSWORD, "203.0.113.7")).startsWith("AADSTS50053");
            assertThat(signIn(server, "admin", TestServer.ADMIN_PASSWORD, "203.0.113.8")).as("another client").isEmpty();
            assertThat(signIn(server, "admin", TestServer.ADMIN_PASSWORD, null)).as("the proxy itself").isEmpty();
        }
    }

    /** A password grant, forwarded for the given addresses (or not): the refusal's description, or "" when signed in. */
    private static String signIn(TestServer server, String user, String password, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/organizations/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username="
                        + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8)));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        try (HttpClient http = HttpClient.newBuilder()
                .sslContext(HttpTransport.trusting(server.dataDirectory().resolve("tls/server.crt"))).build()) {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? "" : Json.parse(answer.body()).path("error_description").asText();
        }
    }
}
