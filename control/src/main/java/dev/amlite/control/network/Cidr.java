package dev.amlite.control.network;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address prefix such as 10.0.0.0/24: membership tests and the n-th host address. Literal addresses only. */
public record Cidr(byte[] network, int bits) {
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
        byte[] candidate;
        try {
            candidate = literal(address);
        } catch (ArmException e) {
            return false;
        }
        if (candidate.length != network.length) {
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
        if (text == null || text.isBlank() || !text.matches("[0-9a-fA-F:.]+")) {
            throw invalid(text);
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw invalid(text);
        }
    }

    private static ArmException invalid(String text) {
        return new ArmException(ErrorCode.InvalidParameter, "'" + text + "' is not an address prefix; use CIDR "
                + "notation such as 10.0.0.0/24.");
    }
}
