package dev.amlite.control.identity;

/** An error of the token endpoint, answered in OAuth 2.0's shape ({@code error}, {@code error_description}). */
public final class OAuthException extends RuntimeException {
    private final String error;
    private final int httpStatus;

    public OAuthException(String error, String description, int httpStatus) {
        super(description, null, false, false);
        this.error = error;
        this.httpStatus = httpStatus;
    }

    public String error() {
        return error;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
