package dev.amlite.cli;

/** A mistake in how the command was used: printed as "ERROR: message" with exit code 2 (az's usage error). */
final class CliError extends RuntimeException {
    private final int exitCode;

    CliError(String message) {
        this(message, 2);
    }

    CliError(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
