package dev.amlite.serving.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import static java.util.Objects.requireNonNull;

/**
 * One running process of a deployment: its output goes line by line into an {@link InstanceLog}, the port it
 * announces is remembered (and the Unix domain socket, when it announces one first), and it can be probed and
 * stopped together with every process it started.
 */
public final class Instance {
    static final String LISTENING = "AMLITE-LISTENING ";
    static final String LISTENING_LOCAL = "AMLITE-LISTENING-LOCAL ";
    private final String name;
    private final Process process;
    private final InstanceLog log;
    private final HttpClient http;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private volatile Path socketFile;

    private Instance(String name, Process process, InstanceLog log, HttpClient http) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.http = http;
    }

    /** Starts the process; its stdout and stderr are read on virtual threads into {@code log}. */
    public static Instance start(String name, InstanceSpec spec, InstanceLog log, HttpClient http) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(spec.command()).directory(spec.workingDirectory().toFile());
        builder.environment().putAll(spec.environment());
        Process process = builder.start();
        process.getOutputStream().close();
        Instance instance = new Instance(requireNonNull(name), process, requireNonNull(log), requireNonNull(http));
        Thread.ofVirtual().name("instance-out-" + name).start(() -> instance.pump(process.getInputStream(), true));
        Thread.ofVirtual().name("instance-err-" + name).start(() -> instance.pump(process.getErrorStream(), false));
        process.onExit().thenRun(() -> {
            instance.port.completeExceptionally(new IllegalStateException("exited with code " + process.exitValue()
                    + " before it listened"));
            instance.removeSocketFile();
        });
        return instance;
    }

    /**
     * The socket an instance announced, when it looks like one the runtime makes ({@code amlite.sock} in a folder
     * {@code amlite-i…} of its own): the supervisor deletes it when the process is gone, so it trusts no other path.
     */
    static Path announcedSocket(String announced) {
        try {
            Path file = Path.of(announced.strip());
            Path folder = file.getParent();
            return file.isAbsolute() && file.getFileName().toString().equals("amlite.sock") && folder != null
                    && folder.getFileName().toString().startsWith("amlite-i") ? file : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** A killed instance leaves its socket and folder behind: they go with it. */
    private void removeSocketFile() {
        Path file = socketFile;
        if (file != null) {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.getParent());
            } catch (IOException ignored) {
                // something else in the folder: not ours to delete
            }
        }
    }

    private void pump(InputStream stream, boolean stdout) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (stdout && !port.isDone() && line.startsWith(LISTENING_LOCAL)) {
                    Path file = announcedSocket(line.substring(LISTENING_LOCAL.length()));
                    if (file != null) {
                        socketFile = file;
                        continue;
                    }
                }
                if (stdout && !port.isDone() && line.startsWith(LISTENING)) {
                    try {
                        port.complete(Integer.parseInt(line.substring(LISTENING.length()).strip()));
                        continue;
                    } catch (NumberFormatException e) {
                        // not our announcement after all: keep it as output
                    }
                }
                log.append(line);
            }
        } catch (IOException e) {
            log.append("[amlite] output of instance " + name + " could not be read: " + e.getMessage());
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit code once the process has ended. */
    public CompletableFuture<Process> exited() {
        return process.onExit();
    }

    /**
     * The port the instance announced; waits up to {@code timeout}. If the process ends first: an
     * IllegalStateException saying how ("exited with code N before it listened").
     */
    public int awaitPort(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** The announced port, or -1 while there is none. */
    public int port() {
        return port.isDone() && !port.isCompletedExceptionally() ? port.join() : -1;
    }

    /** The Unix domain socket the instance announced before its port, or null (it listens on the port only). */
    public Path socketFile() {
        return port() < 0 ? null : socketFile;
    }

    /** GETs {@code path} on the instance; true on 200 within {@code timeout}. */
    public boolean probe(String path, Duration timeout) {
        int p = port();
        if (p < 0 || !process.isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + path))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the process and everything it started: SIGTERM first, then, after {@code grace}, SIGKILL. A model's
     * worker processes must not outlive the deployment.
     */
    public void stop(Duration grace) {
        var descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
