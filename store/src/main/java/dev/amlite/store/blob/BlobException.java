package dev.amlite.store.blob;

/** A blob operation refused for a reason the client can act on, with Azure's status and error code. */
public final class BlobException extends RuntimeException {
    private final int status;
    private final String code;

    public BlobException(int status, String code, String message) {
        super(message);
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
