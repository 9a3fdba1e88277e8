package dev.amlite.serving.listener;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request's line and headers as both of amlite's HTTP/1.1 servers read them (the scoring port and the
 * instances' server): one set of rules, one set of answers for what breaks them.
 *
 * @param headers        by lower-case name, the first value of each
 * @param length         the declared Content-Length; -1 when the body is chunked
 * @param expectContinue the client waits for a 100 Continue before it sends the body
 */
public record RequestHead(String method, String path, Map<String, String> headers, long length, boolean chunked,
                          boolean expectContinue, boolean keepAlive) {

    /** A request the client sent wrongly: answered with {@code status} and the connection closed. */
    public static final class Refusal extends Exception {
        private final int status;
        private final String code;

        public Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /** The first value of the header {@code name} (any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The refusal for a head larger than {@code maxHead} bytes. */
    public static Refusal tooLarge(int maxHead) {
        return new Refusal(431, "RequestHeaderFieldsTooLarge", "The request line and headers are larger than "
                + maxHead + " bytes.");
    }

    /** The header names clients send on nearly every request, lower case: matched without a new String each time. */
    private static final String[] COMMON_NAMES = {"host", "authorization", "content-type", "content-length",
        "accept", "user-agent", "connection", "transfer-encoding", "expect", "x-request-id", "accept-encoding",
        "azureml-model-deployment"};

    private static String name(String line, int colon) {
        for (String common : COMMON_NAMES) {
            if (common.length() == colon && line.regionMatches(true, 0, common, 0, colon)) {
                return common;
            }
        }
        return line.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static String method(String requestLine, int end) {
        if (end == 4 && requestLine.startsWith("POST")) {
            return "POST";
        }
        if (end == 3 && requestLine.startsWith("GET")) {
            return "GET";
        }
        return requestLine.substring(0, end);
    }

    private static boolean digits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Parses the request line and the header lines (without their line breaks, without the empty last line). */
    public static RequestHead parse(String requestLine, List<String> headerLines) throws Refusal {
        int first = requestLine.indexOf(' ');
        int second = first < 0 ? -1 : requestLine.indexOf(' ', first + 1);
        if (first <= 0 || second <= first + 1 || requestLine.indexOf(' ', second + 1) >= 0) {
            throw new Refusal(400, "BadRequest", "Malformed request line; expected 'METHOD /path HTTP/1.1'.");
        }
        String version = requestLine.substring(second + 1);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new Refusal(505, "HttpVersionNotSupported", "This port speaks HTTP/1.1 (and 1.0), not " + version + ".");
        }
        String target = requestLine.substring(first + 1, second);
        if (target.startsWith("http://") || target.startsWith("https://")) { // absolute form, as proxies send it
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            throw new Refusal(400, "BadRequest", "The request target must be a path starting with '/'.");
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        Map<String, String> headers = new HashMap<>();
        for (String line : headerLines) {
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new Refusal(400, "BadRequest", "Folded header lines are not allowed (RFC 9112).");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new Refusal(400, "BadRequest", "Malformed header line (no 'name: value').");
            }
            if (Character.isWhitespace(line.charAt(colon - 1)) || Character.isWhitespace(line.charAt(0))) {
                throw new Refusal(400, "BadRequest", "A header name may not begin or end with whitespace; "
                        + "write 'Name: value', the colon right after the name.");
            }
            String name = name(line, colon);
            int from = colon + 1;
            int to = line.length();
            while (from < to && Character.isWhitespace(line.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
                to--;
            }
            String value = line.substring(from, to);
            String before = headers.putIfAbsent(name, value);
            if (before != null && name.equals("content-length") && !before.equals(value)) {
                throw new Refusal(400, "BadRequest", "Conflicting Content-Length headers.");
            }
        }
        String method = method(requestLine, first);
        String lengthHeader = headers.get("content-length");
        String encoding = headers.get("transfer-encoding");
        boolean chunked = false;
        long length = 0;
        if (encoding != null) {
            if (lengthHeader != null) {
                throw new Refusal(400, "BadRequest", "Send either Transfer-Encoding or Content-Length, not both.");
            }
            if (!encoding.equalsIgnoreCase("chunked")) {
                throw new Refusal(501, "NotImplemented", "Transfer-Encoding '" + encoding + "' is not supported; "
                        + "send the body with Content-Length or 'chunked'.");
            }
            chunked = true;
            length = -1;
        } else if (lengthHeader != null) {
            if (lengthHeader.isEmpty() || lengthHeader.length() > 18 || !digits(lengthHeader)) {
                throw new Refusal(400, "BadRequest", "Content-Length '" + lengthHeader + "' is not a number of bytes.");
            }
            length = Long.parseLong(lengthHeader);
        }
        String expect = headers.get("expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            throw new Refusal(417, "ExpectationFailed", "Only 'Expect: 100-continue' is supported.");
        }
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        return new RequestHead(method, path, headers, length, chunked, expect != null, keepAlive);
    }
}
