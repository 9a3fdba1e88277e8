package dev.amlite.control.tracking;

/** An MLflow API error: MLflow's error code (INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, …) and status. */
public final class MlflowException extends RuntimeException {
    private final String code;
    private final int status;

    public MlflowException(String code, int status, String message) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    public static MlflowException invalid(String message) {
        return new MlflowException("INVALID_PARAMETER_VALUE", 400, message);
    }

    public static MlflowException missing(String message) {
        return new MlflowException("RESOURCE_DOES_NOT_EXIST", 404, message);
    }

    public static MlflowException exists(String message) {
        return new MlflowException("RESOURCE_ALREADY_EXISTS", 400, message);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
