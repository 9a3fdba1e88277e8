package dev.amlite.control.network;

import dev.amlite.core.ArmException;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {
    @Test
    void membershipFollowsThePrefixLength() {
        Cidr subnet = Cidr.parse("10.0.1.0/24");
        assertThat(subnet.contains("10.0.1.0")).isTrue();
        assertThat(subnet.contains("10.0.1.255")).isTrue();
        assertThat(subnet.contains("10.0.2.1")).isFalse();
        assertThat(Cidr.parse("127.0.0.0/8").contains("127.1.2.3")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/17").contains("10.0.127.1")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/17").contains("10.0.128.1")).isFalse();
        assertThat(subnet.contains("::1")).isFalse();
        assertThat(subnet.contains("not-an-address")).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains("192.168.1.1")).isTrue();
    }

    @Test
    void hostsAreCountedFromTheNetworkAddress() {
        assertThat(Cidr.parse("10.0.0.0/24").host(4)).isEqualTo("10.0.0.4");
        assertThat(Cidr.parse("10.0.0.0/16").host(260)).isEqualTo("10.0.1.4");
    }

    @Test
    void badPrefixesSayWhatIsExpected() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0")).isInstanceOf(ArmException.class).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(ArmException.class);
        assertThatThrownBy(() -> Cidr.parse("example.com/24")).isInstanceOf(ArmException.class);
    }

    @Test
    void onlyLiteralsAreAddressesAndNoNameIsLookedUp() {
        assertThat(Cidr.isAddress("10.1.2.3")).isTrue();
        assertThat(Cidr.isAddress("2001:db8::5")).isTrue();
        // Each of these InetAddress would take: a name to look up, or an old shorthand for 10.0.0.0.
        for (String text : new String[] {"a.b", "cafe", "256.1.1.1", "10.0.0", "evil.example.com", "", null}) {
            assertThat(Cidr.isAddress(text)).as(String.valueOf(text)).isFalse();
        }
        assertThatThrownBy(() -> Cidr.parse("10.0.0/8")).isInstanceOf(ArmException.class);
    }

    @Test
    void prefixesAreValuesComparedByWhatTheyHold() {
        assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse("10.0.0.0/8"))
                .hasSameHashCodeAs(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
    }
}
