package dev.amlite.control.identity;

import dev.amlite.control.network.Cidr;
import dev.amlite.core.ArmException;
import java.util.Arrays;
import java.util.List;

/**
 * The proxies (load balancers) whose {@code X-Forwarded-For} the server believes, as address ranges. A request from
 * anyone else is from its connection's address, whatever it sends: the header is only as true as whoever added it.
 * Through trusted proxies, the client is the right-most forwarded address that is not itself a trusted proxy.
 */
public record TrustedProxies(List<Cidr> ranges) {
    public TrustedProxies {
        ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /** {@code 10.0.0.0/8,192.168.1.7,::1/128}; an address without a length is that one address. */
    public static TrustedProxies parse(String list) {
        return new TrustedProxies(list.isBlank() ? List.of()
                : Arrays.stream(list.split(",")).map(String::strip).map(TrustedProxies::range).toList());
    }

    private static Cidr range(String text) {
        String prefixed = text.indexOf('/') >= 0 ? text : text + (text.contains(":") ? "/128" : "/32");
        try {
            return Cidr.parse(prefixed);
        } catch (ArmException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address range: give an IP address with an "
                    + "optional prefix length, e.g. 10.0.0.0/8, 192.168.1.7 or fd00::/8.");
        }
    }

    boolean trusts(String address) {
        return ranges.stream().anyMatch(range -> range.contains(address));
    }

    /** The client's address: the peer's, or through trusted proxies the first untrusted hop of X-Forwarded-For. */
    public String client(String peer, List<String> forwardedFor) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = forwardedFor.stream().flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!Cidr.isAddress(hops.get(i))) {
                return peer;  // not an address: the chain cannot be believed past this point
            }
            if (!trusts(hops.get(i))) {
                return hops.get(i);
            }
        }
        return hops.isEmpty() ? peer : hops.getFirst();
    }
}
