package dev.amlite.it;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ten wrong passwords in a row lock a user name from that address for a minute, the right password included, and
 * say so; an unknown name locks the same way (the answers tell no one which names exist); other users sign in.
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
            Cli dana = new Cli(temporary.resolve("dana"));
            Cli.Result refused = dana.run("login", "--server", server.url(), "--username", "dana@contoso.com",
                    "--password", "Dana-pa55word", "--data-dir", server.dataDirectory().toString());
            assertThat(refused.exitCode()).as("the right password, while locked").isNotZero();
            assertThat(refused.err()).contains("AADSTS50053");
            cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", server.dataDirectory().toString());
        }
    }
}
