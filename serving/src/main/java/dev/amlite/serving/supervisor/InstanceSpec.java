package dev.amlite.serving.supervisor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one instance of a deployment: the command, its environment and folder, and the probes that say
 * when it may take traffic and whether it still lives. The process announces the port it bound by printing
 * {@code AMLITE-LISTENING <port>} on stdout, and serves {@code GET /ready} and {@code GET /live} there.
 */
public record InstanceSpec(List<String> command, Map<String, String> environment, Path workingDirectory,
                           Probe readiness, Probe liveness) {
    public InstanceSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("An instance needs a command");
        }
    }
}
