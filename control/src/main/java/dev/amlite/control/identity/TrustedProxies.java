package dev.amlite.control.identity;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The proxies (load balancers) whose {@code X-Forwarded-For} the server believes, as address ranges. A request from
 * anyone else is from its connection's address, whatever it sends: the header is only as true as whoever added it.
 * Through trusted proxies, the client is the right-most forwarded address that is not itself a trusted proxy.
 */
public record TrustedProxies(List<Range> ranges) {
    public TrustedProxies {
        ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** {@code 10.0.0.0/8,192.168.1.7,::1/128}; an address without a length is that one address. */
    public static TrustedProxies parse(String list) {
        return new TrustedProxies(list.isBlank() ? List.of()
                : Arrays.stream(list.split(",")).map(String::strip).map(Range::parse).toList());
    }

    /** One block of addresses: its first address and the length of its prefix in bits. */
    public record Range(byte[] network, int prefix) {
        public Range {
            network = network.clone();
        }

        @Override
        public byte[] network() {
            return network.clone();
        }

        // A record compares arrays by identity: two parses of one range must be equal (options compared in tests,
        // ranges in sets).
        @Override
        public boolean equals(Object other) {
            return other instanceof Range range && prefix == range.prefix && Arrays.equals(network, range.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefix;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        static Range parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new IllegalArgumentException("'" + text + "' is not an address range: give an IP address with "
                        + "an optional prefix length, e.g. 10.0.0.0/8 or fd00::/8.");
            }
            int prefix;
            try {
                prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be from 0 to "
                        + bytes.length * 8 + ".");
            }
            return new Range(bytes, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int shift = network.length * 8 - prefix;
            return new BigInteger(1, address).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
        }
    }

    boolean trusts(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(range -> range.contains(bytes));
    }

    /** The client's address: the peer's, or through trusted proxies the first untrusted hop of X-Forwarded-For. */
    public String client(String peer, List<String> forwardedFor) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = forwardedFor.stream().flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (literal(hops.get(i)) == null) {
                return peer;  // not an address: the chain cannot be believed past this point
            }
            if (!trusts(hops.get(i))) {
                return hops.get(i);
            }
        }
        return hops.isEmpty() ? peer : hops.getFirst();
    }

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

    /** The bytes of an IPv4 or IPv6 literal, or null; never a name lookup (only literals reach InetAddress). */
    static byte[] literal(String address) {
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = !v4 && address.contains(":") && address.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
