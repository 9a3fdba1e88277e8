package dev.amlite.control.identity;

import dev.amlite.control.network.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, fd00::/8");

    @Test
    void aRequestNotFromATrustedProxyIsFromItsPeerWhateverItForwards() {
        assertThat(proxies.client("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
        assertThat(TrustedProxies.none().client("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void throughTrustedProxiesTheClientIsTheRightMostUntrustedHop() {
        assertThat(proxies.client("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
        // The left-most entry is whatever the client wrote; only hops added by trusted proxies are believed.
        assertThat(proxies.client("10.1.2.3", List.of("1.1.1.1, 198.51.100.1, 192.168.1.7"))).isEqualTo("198.51.100.1");
        assertThat(proxies.client("10.1.2.3", List.of("1.1.1.1", "198.51.100.1"))).isEqualTo("198.51.100.1");
        assertThat(proxies.client("fd12::1", List.of("2001:db8::5"))).isEqualTo("2001:db8::5");
        assertThat(proxies.client("10.1.2.3", List.of())).as("no header").isEqualTo("10.1.2.3");
        assertThat(proxies.client("10.1.2.3", List.of("10.9.9.9"))).as("all trusted").isEqualTo("10.9.9.9");
        assertThat(proxies.client("10.1.2.3", List.of("evil.example.com"))).as("not an address").isEqualTo("10.1.2.3");
        assertThat(proxies.client("192.168.1.8", List.of("198.51.100.1"))).as("a /32 is one address").isEqualTo("192.168.1.8");
    }

    @Test
    void aRangeThatIsNotOneSaysWhatIsExpectedAndNoNameIsLookedUp() {
        for (String bad : List.of("localhost", "10.0.0.0/33", "10.0.0/8", "fd00::/129", "10.0.0.0/x", "a.b")) {
            assertThatThrownBy(() -> TrustedProxies.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void rangesAreValuesComparedByWhatTheyHold() {
        assertThat(TrustedProxies.parse("10.0.0.0/8, 192.168.1.7")).isEqualTo(TrustedProxies.parse("10.0.0.0/8,192.168.1.7"));
        assertThat(TrustedProxies.parse("10.0.0.0/8")).isNotEqualTo(TrustedProxies.parse("10.0.0.0/9"));
        assertThat(TrustedProxies.parse("10.0.0.0/8").hashCode()).isEqualTo(TrustedProxies.parse("10.0.0.0/8").hashCode());
        assertThat(TrustedProxies.parse("192.168.1.7, fd00::1").ranges())
                .containsExactly(Cidr.parse("192.168.1.7/32"), Cidr.parse("fd00::1/128"));
    }
}
