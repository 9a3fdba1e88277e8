package dev.amlite.control.blob;

import dev.amlite.control.arm.HttpSupport;
import dev.amlite.control.arm.ServedUrls;
import dev.amlite.store.blob.BlobException;
import dev.amlite.store.blob.BlobItem;
import dev.amlite.store.blob.LocalBlobStore;
import dev.amlite.store.blob.LocalSas;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * The blob service of storage accounts that amlite itself holds, at {@code /storage/<account>/blob/}: the subset
 * of Azure's Blob REST API that moving assets needs — Put Blob, Get Blob (with ranges), Get Blob Properties,
 * Delete Blob and List Blobs — authorised only by a shared access signature from the control plane. Bodies
 * stream in both directions; nothing is held in memory whole.
 */
public final class BlobEndpoint implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(BlobEndpoint.class);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final int MAX_RESULTS = 5000;
    private final BlobAccounts accounts;

    public BlobEndpoint(BlobAccounts accounts) {
        this.accounts = requireNonNull(accounts, "accounts is null");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::handle);
    }

    private record Target(String account, String container, String blob) {
    }

    void handle(ServerRequest request, ServerResponse response) {
        String requestId = UUID.randomUUID().toString();
        response.header("x-ms-request-id", requestId);
        response.header("x-ms-version", "2021-08-06");
        String method = request.prologue().method().text().toUpperCase(Locale.ROOT);
        try {
            Target target = target(request.path().rawPath());
            LocalBlobStore blobs = accounts.localByName(target.account()).orElseThrow(() -> new BlobException(404,
                    "ResourceNotFound", "The storage account '" + target.account() + "' does not exist here, or its "
                    + "blobs live in an external blob service (see its primaryEndpoints.blob)."));
            String rawQuery = request.query().rawValue();
            LocalSas.Grant grant;
            try {
                grant = blobs.verify(target.container(), rawQuery);
            } catch (SecurityException e) {
                throw new BlobException(403, "AuthenticationFailed", e.getMessage());
            }
            String restype = request.query().first("restype").orElse("");
            String comp = request.query().first("comp").orElse("");
            if (target.blob().isEmpty()) {
                if (method.equals("GET") && restype.equals("container") && comp.equals("list")) {
                    list(request, response, blobs, grant, target);
                    return;
                }
                throw new BlobException(403, "AuthorizationPermissionMismatch", "Only listing blobs "
                        + "(?restype=container&comp=list) is allowed on a container with a shared access signature.");
            }
            switch (method) {
                case "PUT" -> put(request, response, blobs, grant, target);
                case "GET", "HEAD" -> get(request, response, blobs, grant, target, method.equals("HEAD"));
                case "DELETE" -> {
                    require(grant, 'd', target.blob());
                    if (!blobs.delete(target.container(), target.blob())) {
                        throw new BlobException(404, "BlobNotFound", "The specified blob does not exist.");
                    }
                    response.status(Status.ACCEPTED_202).send();
                }
                default -> throw new BlobException(405, "UnsupportedHttpVerb", "The method " + method
                        + " is not supported; use PUT, GET, HEAD or DELETE.");
            }
        } catch (BlobException e) {
            error(response, e.status(), e.code(), e.getMessage(), method.equals("HEAD"));
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Blob request {} {} failed: {}", method, request.path().rawPath(), e.toString());
            if (!response.isSent()) {
                error(response, 500, "InternalError", "The blob could not be read or written (" + e.getMessage()
                        + "); request id " + requestId + ".", method.equals("HEAD"));
            }
        }
    }

    private static void put(ServerRequest request, ServerResponse response, LocalBlobStore blobs, LocalSas.Grant grant,
                            Target target) throws IOException {
        if (!grant.allows('c', target.blob()) && !grant.allows('w', target.blob())) {
            throw permission('w', grant, target.blob());
        }
        String blobType = request.headers().first(HeaderNames.create("x-ms-blob-type")).orElse("");
        if (!blobType.equals("BlockBlob")) {
            throw new BlobException(400, "MissingRequiredHeader", "Put Blob needs the header 'x-ms-blob-type: "
                    + "BlockBlob' (the only blob type this service stores).");
        }
        String md5 = request.headers().first(HeaderNames.create("Content-MD5")).orElse(null);
        BlobItem item;
        try (InputStream in = request.content().inputStream()) {
            item = blobs.put(target.container(), target.blob(), in, md5);
        }
        response.status(Status.CREATED_201);
        response.header("Content-MD5", item.contentMd5());
        response.header("ETag", etag(item));
        response.header("Last-Modified", HTTP_DATE.format(item.lastModified()));
        response.header("x-ms-request-server-encrypted", "false");
        response.send();
    }

    private static void get(ServerRequest request, ServerResponse response, LocalBlobStore blobs, LocalSas.Grant grant,
                            Target target, boolean headOnly) throws IOException {
        require(grant, 'r', target.blob());
        BlobItem item = blobs.properties(target.container(), target.blob()).orElseThrow(() ->
                new BlobException(404, "BlobNotFound", "The specified blob does not exist."));
        long start = 0;
        long end = item.size() - 1;
        Optional<String> range = request.headers().first(HeaderNames.create("x-ms-range"))
                .or(() -> request.headers().first(HeaderNames.RANGE));
        boolean partial = range.isPresent();
        if (partial) {
            String spec = range.get().trim();
            if (!spec.startsWith("bytes=") || spec.contains(",")) {
                throw new BlobException(416, "InvalidRange", "Only one range of the form 'bytes=start-[end]' is supported.");
            }
            String[] bounds = spec.substring(6).split("-", 2);
            try {
                start = Long.parseLong(bounds[0]);
                if (bounds.length > 1 && !bounds[1].isEmpty()) {
                    end = Math.min(end, Long.parseLong(bounds[1]));
                }
            } catch (NumberFormatException e) {
                throw new BlobException(416, "InvalidRange", "The range '" + spec + "' is not a number range.");
            }
            if (start >= item.size() || start > end) {
                throw new BlobException(416, "InvalidRange", "The range specified is invalid for the current size "
                        + "of the resource (" + item.size() + " bytes).");
            }
        }
        long length = item.size() == 0 ? 0 : end - start + 1;
        response.status(partial ? Status.PARTIAL_CONTENT_206 : Status.OK_200);
        response.header("x-ms-blob-type", "BlockBlob");
        response.header("ETag", etag(item));
        response.header("Last-Modified", HTTP_DATE.format(item.lastModified()));
        response.header("Accept-Ranges", "bytes");
        if (item.contentMd5() != null) {
            response.header(partial ? "x-ms-blob-content-md5" : "Content-MD5", item.contentMd5());
        }
        if (partial) {
            response.header("Content-Range", "bytes " + start + "-" + end + "/" + item.size());
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        response.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        if (headOnly || length == 0) {
            response.send();
            return;
        }
        try (InputStream in = blobs.open(target.container(), target.blob(), start, length);
             OutputStream out = response.outputStream()) {
            in.transferTo(out);
        }
    }

    private static void list(ServerRequest request, ServerResponse response, LocalBlobStore blobs, LocalSas.Grant grant,
                             Target target) {
        String prefix = request.query().first("prefix").orElse("");
        if (grant.permissions().indexOf('l') < 0 || !(grant.covers(prefix) || prefix.startsWith(grant.prefix()))) {
            throw permission('l', grant, prefix);
        }
        String effective = prefix.isEmpty() ? grant.prefix() : prefix;
        String marker = request.query().first("marker").orElse("");
        int max = request.query().first("maxresults").map(BlobEndpoint::maxResults).orElse(MAX_RESULTS);
        List<BlobItem> all = blobs.list(target.container(), effective).stream()
                .filter(item -> grant.covers(item.name()))
                .filter(item -> marker.isEmpty() || item.name().compareTo(marker) > 0).toList();
        List<BlobItem> page = all.subList(0, Math.min(max, all.size()));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<EnumerationResults "
                + "ServiceEndpoint=\"" + escape(ServedUrls.rebase(blobs.endpoint(), HttpSupport.baseUrl(request)))
                + "/\" ContainerName=\"" + escape(target.container())
                + "\"><Prefix>" + escape(prefix) + "</Prefix><Marker>" + escape(marker) + "</Marker><MaxResults>" + max
                + "</MaxResults><Blobs>");
        for (BlobItem item : page) {
            xml.append("<Blob><Name>").append(escape(item.name())).append("</Name><Properties><Last-Modified>")
                    .append(HTTP_DATE.format(item.lastModified())).append("</Last-Modified><Etag>").append(etag(item))
                    .append("</Etag><Content-Length>").append(item.size()).append("</Content-Length>")
                    .append("<Content-Type>application/octet-stream</Content-Type><Content-MD5>")
                    .append(item.contentMd5() == null ? "" : item.contentMd5())
                    .append("</Content-MD5><BlobType>BlockBlob</BlobType></Properties></Blob>");
        }
        xml.append("</Blobs><NextMarker>").append(all.size() > max ? escape(page.getLast().name()) : "")
                .append("</NextMarker></EnumerationResults>");
        response.status(Status.OK_200);
        response.header(HeaderNames.CONTENT_TYPE, "application/xml");
        response.send(xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int maxResults(String text) {
        try {
            return Math.max(1, Math.min(MAX_RESULTS, Integer.parseInt(text)));
        } catch (NumberFormatException e) {
            throw new BlobException(400, "InvalidQueryParameterValue", "maxresults must be a number from 1 to 5000.");
        }
    }

    private static Target target(String rawPath) {
        // /storage/<account>/blob/<container>[/<blob name>]; mounted at /storage, so the prefix may be gone already.
        String rest = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        rest = rest.startsWith("storage/") ? rest.substring("storage/".length()) : rest;
        String[] parts = rest.split("/", 4);
        if (parts.length < 3 || !parts[1].equals("blob") || parts[2].isEmpty()) {
            throw new BlobException(400, "InvalidUri", "Blob URLs have the form /storage/<account>/blob/<container>"
                    + "/<blob name>.");
        }
        String blob = parts.length == 4 ? URLDecoder.decode(parts[3].replace("+", "%2B"), StandardCharsets.UTF_8) : "";
        return new Target(parts[0], parts[2], blob);
    }

    private static void require(LocalSas.Grant grant, char permission, String name) {
        if (!grant.allows(permission, name)) {
            throw permission(permission, grant, name);
        }
    }

    private static BlobException permission(char permission, LocalSas.Grant grant, String name) {
        return new BlobException(403, "AuthorizationPermissionMismatch", "This shared access signature allows '"
                + grant.permissions() + "' below '" + grant.prefix() + "/' of container '" + grant.container()
                + "'; '" + permission + "' on '" + name + "' is outside it.");
    }

    private static String etag(BlobItem item) {
        return "\"0x" + Long.toHexString(item.lastModified().toEpochMilli()) + Long.toHexString(item.size()) + "\"";
    }

    private static void error(ServerResponse response, int status, String code, String message, boolean headOnly) {
        response.status(Status.create(status));
        response.header("x-ms-error-code", code);
        if (headOnly) {
            response.send();
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/xml");
        response.send(("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>"
                + escape(message) + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
