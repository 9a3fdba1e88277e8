package dev.amlite.store.blob;

import java.time.Duration;
import java.util.List;

/**
 * The blobs of one storage account, as the control plane needs them: containers made with a workspace, listings
 * that check an asset's files are there, removal of abandoned uploads, and signed URLs that let a client read or
 * write a prefix directly. The bytes themselves never pass through the control plane: clients move them with the
 * signed URLs, against the account's blob endpoint.
 */
public interface BlobStore {
    /** Where clients reach the account's blobs, without a trailing slash. */
    String endpoint();

    void createContainer(String container);

    /** Every blob whose name starts with {@code prefix}, in name order. */
    List<BlobItem> list(String container, String prefix);

    /**
     * Whether a blob named {@code path} or any blob below {@code path/} exists — what registering an asset checks,
     * without listing a folder of thousands of files.
     */
    boolean anyAt(String container, String path);

    /** Deletes every blob below {@code prefix}; returns how many went. */
    int deletePrefix(String container, String prefix);

    /**
     * A URL for {@code container/prefix} carrying a shared access signature with the given permissions
     * ({@code r} read, {@code c} create, {@code w} write, {@code d} delete, {@code l} list).
     */
    String signedUrl(String container, String prefix, String permissions, Duration validity);

    /** Writes a local file as one blob, replacing what was there (jobs' outputs and logs are stored this way). */
    void upload(String container, String name, java.nio.file.Path source) throws java.io.IOException;

    /** Copies one blob to a local file (serving reads a deployment's model and code this way). */
    void download(String container, String name, java.nio.file.Path target) throws java.io.IOException;
}
