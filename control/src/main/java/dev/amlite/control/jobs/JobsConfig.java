package dev.amlite.control.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntSupplier;
import static java.util.Objects.requireNonNull;

/**
 * Where jobs run and keep their logs ({@code root}), the Python that {@code python} and {@code python3} mean in a
 * job's command, how long a cancelled job's processes get to end before they are killed, and the certificate a job
 * trusts to reach the server's MLflow API ({@code caFile}, null with a publicly trusted one or plain HTTP), and the
 * port the server's main listener got ({@code serverPort}: known only once it is bound, 0 before), which a job's
 * MLflow URI takes, so that a job queued before a restart on another port still reaches the server.
 */
public record JobsConfig(Path root, String python, Duration cancelGrace, Path caFile, IntSupplier serverPort) {
    public JobsConfig {
        requireNonNull(root, "root is null");
        requireNonNull(serverPort, "serverPort is null");
        requireNonNull(python, "python is null");
        requireNonNull(cancelGrace, "cancelGrace is null");
    }
}
