package dev.amlite.store.blob;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shared access signatures of the local blob service. Like Azure's service SAS they are an HMAC-SHA256 with the
 * account's key over what they allow — container, path prefix, permissions, expiry — so regenerating the key
 * revokes them; unlike Azure's they can be scoped to a path prefix without a hierarchical namespace.
 */
public final class LocalSas {
    public static final String VERSION = "amlite-2024";

    /** What a verified signature allows. */
    public record Grant(String container, String prefix, String permissions, Instant expiry) {
        public boolean allows(char permission, String blobOrPrefix) {
            return permissions.indexOf(permission) >= 0 && covers(blobOrPrefix);
        }

        public boolean covers(String name) {
            return prefix.isEmpty() || name.equals(prefix) || name.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
        }
    }

    private LocalSas() {
    }

    public static String sign(byte[] key, String account, String container, String prefix, String permissions,
                              Instant expiry) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("sv", VERSION);
        query.put("sr", "c");
        query.put("sp", permissions);
        query.put("se", expiry.toString());
        query.put("spfx", prefix);
        query.put("sig", signature(key, account, container, prefix, permissions, expiry.toString()));
        StringBuilder out = new StringBuilder();
        query.forEach((name, value) -> out.append(out.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
        return out.toString();
    }

    /**
     * The grant a query string carries for {@code container}, or an explanation of why it carries none. The
     * signature is compared in constant time.
     */
    public static Grant verify(byte[] key, String account, String container, String rawQuery, Instant now) {
        Map<String, String> query = parse(rawQuery);
        String sig = query.get("sig");
        if (sig == null || !VERSION.equals(query.get("sv"))) {
            throw new SecurityException("The request carries no shared access signature of this service (sv="
                    + VERSION + ", sig=...). Ask amlite for one: startPendingUpload or getBlobReferenceSAS.");
        }
        String prefix = query.getOrDefault("spfx", "");
        String permissions = query.getOrDefault("sp", "");
        String expiry = query.getOrDefault("se", "");
        byte[] expected = signature(key, account, container, prefix, permissions, expiry).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.UTF_8))) {
            throw new SecurityException("Signature did not match: the shared access signature was not made for this "
                    + "container, was altered, or the account key it was signed with has been regenerated.");
        }
        Instant until;
        try {
            until = Instant.parse(expiry);
        } catch (RuntimeException e) {
            throw new SecurityException("The shared access signature's expiry (se) is not a valid time.");
        }
        if (!now.isBefore(until)) {
            throw new SecurityException("The shared access signature expired at " + until + "; ask for a new one.");
        }
        return new Grant(container, prefix, permissions, until);
    }

    static Map<String, String> parse(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.putIfAbsent(name, value);
        }
        return query;
    }

    private static String signature(byte[] key, String account, String container, String prefix, String permissions,
                                    String expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String toSign = String.join("\n", VERSION, account, container, prefix, permissions, expiry);
            return Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
