package dev.amlite.control.network;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An address prefix such as 10.0.0.0/24: membership tests and the n-th host address. Literal addresses only: text
 * that is not one is never handed to a name lookup (addresses here come from requests, e.g. X-Forwarded-For).
 */
public record Cidr(byte[] network, int bits) {
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    public Cidr {
        network = network.clone();
    }

    // A record compares arrays by identity: two parses of one prefix must be equal.
    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && bits == cidr.bits && Arrays.equals(network, cidr.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + bits;
    }

    /** Whether the text is an IPv4 or IPv6 literal. */
    public static boolean isAddress(String text) {
        return bytes(text) != null;
    }

    public static Cidr parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw invalid(text);
        }
        try {
            byte[] address = literal(text.substring(0, slash));
            int bits = Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > address.length * 8) {
                throw invalid(text);
            }
            return new Cidr(address, bits);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    public boolean contains(String address) {
        byte[] candidate = bytes(address);
        if (candidate == null || candidate.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < bits; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address {@code offset} hosts into the prefix (Azure hands out .4 onwards; .0–.3 are reserved). */
    public String host(long offset) {
        BigInteger base = new BigInteger(1, network);
        byte[] raw = base.add(BigInteger.valueOf(offset)).toByteArray();
        byte[] sized = new byte[network.length];
        System.arraycopy(raw, Math.max(0, raw.length - sized.length), sized, Math.max(0, sized.length - raw.length),
                Math.min(raw.length, sized.length));
        try {
            return InetAddress.getByAddress(sized).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] literal(String text) {
        byte[] bytes = bytes(text);
        if (bytes == null) {
            throw invalid(text);
        }
        return bytes;
    }

    /** The bytes of an IPv4 (dotted quad) or IPv6 literal, else null. */
    private static byte[] bytes(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static ArmException invalid(String text) {
        return new ArmException(ErrorCode.InvalidParameter, "'" + text + "' is not an address prefix; use CIDR "
                + "notation such as 10.0.0.0/24.");
    }
}
