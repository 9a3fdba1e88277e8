package dev.amlite.store.blob;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/**
 * A storage account backed by a real Azure Blob service (Azure, or Azurite in tests) through the Azure storage
 * SDK. Signed URLs are Azure service SAS signed with the account key, so any Azure client — the official SDKs,
 * azcopy, amlite's CLI — moves bytes straight to the service.
 */
public final class AzureBlobStore implements BlobStore {
    private final BlobServiceClient service;
    private final String endpoint;
    private final Clock clock;

    private AzureBlobStore(BlobServiceClient service, Clock clock) {
        this.service = service;
        String url = service.getAccountUrl();
        this.endpoint = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.clock = clock;
    }

    /** Connects with an Azure storage connection string (AccountName, AccountKey and BlobEndpoint or suffix). */
    public static AzureBlobStore connect(String connectionString, Clock clock) {
        requireNonNull(connectionString, "connectionString is null");
        return new AzureBlobStore(new BlobServiceClientBuilder().connectionString(connectionString)
                .httpClient(new JdkHttpClientBuilder().build()).buildClient(), clock);
    }

    /** The parts of a connection string a user would be asked for, checked before anything is stored. */
    public record ConnectionString(String accountName, String accountKey, String blobEndpoint) {
        public static ConnectionString parse(String value) {
            Map<String, String> parts = new java.util.HashMap<>();
            for (String part : value.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    parts.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
                }
            }
            String name = parts.get("accountname");
            String key = parts.get("accountkey");
            if (name == null || key == null) {
                throw new IllegalArgumentException("The connection string needs AccountName and AccountKey "
                        + "(and BlobEndpoint for a service outside Azure's public cloud, e.g. Azurite).");
            }
            try {
                Base64.getDecoder().decode(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("AccountKey in the connection string is not base64.");
            }
            String endpoint = parts.get("blobendpoint");
            if (endpoint == null) {
                endpoint = parts.getOrDefault("defaultendpointsprotocol", "https") + "://" + name + ".blob."
                        + parts.getOrDefault("endpointsuffix", "core.windows.net");
            }
            return new ConnectionString(name, key, endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
        }
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void createContainer(String container) {
        service.getBlobContainerClient(container).createIfNotExists();
    }

    @Override
    public List<BlobItem> list(String container, String prefix) {
        BlobContainerClient client = service.getBlobContainerClient(container);
        if (!client.exists()) {
            return List.of();
        }
        List<BlobItem> items = new ArrayList<>();
        client.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).forEach(item -> {
            BlobItemProperties p = item.getProperties();
            items.add(new BlobItem(item.getName(), p.getContentLength() == null ? 0 : p.getContentLength(),
                    p.getContentMd5() == null ? null : Base64.getEncoder().encodeToString(p.getContentMd5()),
                    p.getLastModified() == null ? null : p.getLastModified().toInstant()));
        });
        return items;
    }

    @Override
    public boolean anyAt(String container, String path) {
        String name = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        BlobContainerClient client = service.getBlobContainerClient(container);
        if (name.isEmpty() || !client.exists()) {
            return false;
        }
        return client.getBlobClient(name).exists() || client.listBlobs(new ListBlobsOptions().setPrefix(name + "/")
                .setMaxResultsPerPage(1), null).iterableByPage().iterator().next().getValue().stream().findAny().isPresent();
    }

    @Override
    public void upload(String container, String name, java.nio.file.Path source) {
        service.getBlobContainerClient(container).getBlobClient(name).uploadFromFile(source.toString(), true);
    }

    @Override
    public void download(String container, String name, java.nio.file.Path target) {
        service.getBlobContainerClient(container).getBlobClient(name).downloadToFile(target.toString(), true);
    }

    @Override
    public int deletePrefix(String container, String prefix) {
        BlobContainerClient client = service.getBlobContainerClient(container);
        List<BlobItem> items = list(container, prefix);
        items.forEach(item -> client.getBlobClient(item.name()).deleteIfExists());
        return items.size();
    }

    @Override
    public String signedUrl(String container, String prefix, String permissions, Duration validity) {
        BlobContainerClient client = service.getBlobContainerClient(container);
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(
                clock.instant().plus(validity).atOffset(ZoneOffset.UTC), BlobContainerSasPermission.parse(permissions))
                .setStartTime(clock.instant().minus(Duration.ofMinutes(5)).atOffset(ZoneOffset.UTC));
        String sas = client.generateSas(values);
        return endpoint + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix) + "?" + sas;
    }
}
