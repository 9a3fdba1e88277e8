package dev.amlite.store.blob;

import java.time.Instant;

/**
 * One blob as a listing or a properties call reports it.
 *
 * @param name         the blob's name inside its container ({@code LocalUpload/abc/model/weights.bin})
 * @param size         length in bytes
 * @param contentMd5   base64 MD5 of the content, as Azure's {@code Content-MD5}; null when the service has none
 * @param lastModified when the blob was last written
 */
public record BlobItem(String name, long size, String contentMd5, Instant lastModified) {
}
