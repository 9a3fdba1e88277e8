package dev.amlite.control.identity;

import dev.amlite.control.ManualClock;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.Principal;
import dev.amlite.store.PrincipalKind;
import dev.amlite.store.Settings;
import dev.amlite.store.StoreVendor;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenServiceTest {
    @TempDir
    Path temporary;


    @Test
    void tokensCarryTheIdentityExpireAndSurviveARestartOfTheService() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Database database = Database.open(new DatabaseConfig(StoreVendor.embeddedH2Url(temporary), null, null, 2))) {
            Settings settings = new Settings(database);
            SecretBox box = new SecretBox(new byte[32], new SecureRandom());
            TokenService tokens = new TokenService(settings, box, clock, "https://sts.test/", Duration.ofHours(1), Duration.ofDays(1));
            Principal app = new Principal("oid-1", "tid-1", PrincipalKind.ServicePrincipal, "bot", "app-1", clock.now());
            IssuedToken issued = tokens.issue(app);
            Caller caller = tokens.verify(issued.accessToken());
            assertThat(caller.objectId()).isEqualTo("oid-1");
            assertThat(caller.signInName()).isEqualTo("app-1");
            assertThat(caller.kind()).isEqualTo(PrincipalKind.ServicePrincipal);
            assertThat(issued.expiresAt()).isEqualTo(clock.now().plus(Duration.ofHours(1)));

            TokenService again = new TokenService(settings, box, clock, "https://sts.test/", Duration.ofHours(1), Duration.ofDays(1));
            assertThat(again.verify(issued.accessToken()).objectId()).isEqualTo("oid-1");
            assertThat(again.verifyRefresh(issued.refreshToken())).isEqualTo("oid-1");
            assertThatThrownBy(() -> again.verify(issued.refreshToken())).isInstanceOf(ArmException.class)
                    .hasMessageContaining("refresh token");

            clock.advance(Duration.ofMinutes(61));
            assertThatThrownBy(() -> tokens.verify(issued.accessToken()))
                    .isInstanceOfSatisfying(ArmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ExpiredAuthenticationToken));
        }
    }
}
