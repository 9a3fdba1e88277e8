package dev.amlite.control.arm;

import java.net.URI;

/**
 * URLs of things amlite serves itself (blob endpoints, MLflow tracking, discovery), kept in resource documents with
 * the address of the request that created them. They are shown and signed with the address of the request at hand
 * instead, so that a server restarted on another host name or port hands out URLs that reach it.
 */
public final class ServedUrls {
    private ServedUrls() {
    }

    /**
     * {@code url} with its scheme and authority replaced by {@code baseUrl}'s ({@code https://host:port}); its path
     * and query stay. Null, empty and text that is not an absolute URL stay as they are.
     */
    public static String rebase(String url, String baseUrl) {
        String rest = served(url);
        if (rest == null || rest.equals(url)) {
            return url;
        }
        return (baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl) + rest;
    }

    /**
     * {@code url} on port {@code port} of the same host: for the server's own processes (jobs), which reach it on
     * the machine it runs on, where the port is the part of an address that a restart may change. A port of 0 or
     * less, or text that is not an absolute URL, leaves it as it is.
     */
    public static String onPort(String url, int port) {
        if (port <= 0 || url == null || url.isEmpty()) {
            return url;
        }
        URI parsed;
        try {
            parsed = URI.create(url);
        } catch (IllegalArgumentException e) {
            return url;
        }
        if (parsed.getHost() == null || parsed.getPort() == port) {
            return url;
        }
        return rebase(url, parsed.getScheme() + "://" + parsed.getHost() + ":" + port);
    }

    /**
     * The part of {@code url} after its authority (path and query): what names a served thing whatever address it
     * was reached at. Null stays null; text that is not an absolute URL is returned as it is.
     */
    public static String served(String url) {
        if (url == null || url.isEmpty()) {
            return url;
        }
        String authority;
        try {
            authority = URI.create(url).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return url;
        }
        if (authority == null) {
            return url;
        }
        return url.substring(url.indexOf("//" + authority) + 2 + authority.length());
    }
}
