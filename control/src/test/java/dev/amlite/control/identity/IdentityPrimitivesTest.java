package dev.amlite.control.identity;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityPrimitivesTest {
    @Test
    void passwordHashesAreSaltedAndVerify() {
        PasswordHasher hasher = new PasswordHasher(1000, new SecureRandom());
        String first = hasher.hash("correct horse");
        String second = hasher.hash("correct horse");
        assertThat(first).isNotEqualTo(second).doesNotContain("correct");
        assertThat(hasher.matches("correct horse", first)).isTrue();
        assertThat(hasher.matches("correct hors", first)).isFalse();
        assertThat(hasher.matches("correct horse", "garbage")).isFalse();
    }

    @Test
    void sealedSecretsOpenOnlyWithTheirKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretBox box = new SecretBox(key, new SecureRandom());
        String sealed = box.seal("signing key");
        assertThat(sealed).startsWith("v1:").doesNotContain("signing");
        assertThat(box.open(sealed)).isEqualTo("signing key");
        byte[] other = key.clone();
        other[0] ^= 1;
        assertThatThrownBy(() -> new SecretBox(other, new SecureRandom()).open(sealed))
                .hasMessageContaining("master key does not match");
        assertThatThrownBy(() -> new SecretBox(new byte[16], new SecureRandom())).isInstanceOf(IllegalArgumentException.class);
    }
}
