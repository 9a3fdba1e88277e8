package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ./amlite} launcher as a separate process, as a user would, with its own state directory
 * (AMLITE_CONFIG_DIR). Each instance is one user's machine.
 */
final class Cli {
    private static final Path ROOT = Path.of(System.getProperty("amlite.root", "..")).toAbsolutePath().normalize();
    private final Path configDirectory;

    Cli(Path configDirectory) {
        this.configDirectory = configDirectory;
    }

    /** The outcome of one command: exit code, standard output and standard error. */
    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            return Json.parse(out);
        }

        String line() {
            return out.strip();
        }
    }

    Result run(String... arguments) {
        return run(Map.of(), arguments);
    }

    Result run(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("amlite").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AMLITE_CONFIG_DIR", configDirectory.toString());
        builder.environment().put("AMLITE_NO_BUILD", "1");
        builder.environment().putAll(environment);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Path out = Files.createTempFile("amlite-out", ".txt");
            Path err = Files.createTempFile("amlite-err", ".txt");
            builder.redirectOutput(out.toFile());
            builder.redirectError(err.toFile());
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("amlite " + String.join(" ", arguments) + " did not finish in 120 s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must succeed, returning its standard output. */
    String ok(String... arguments) {
        Result result = run(arguments);
        if (result.exitCode() != 0) {
            throw new AssertionError("amlite " + String.join(" ", arguments) + " exited " + result.exitCode()
                    + "\nstdout: " + result.out() + "\nstderr: " + result.err());
        }
        return result.out();
    }

    /**
     * A user of {@code server} logged in as admin, with resource group rg1 (japaneast) and workspace mlw made and
     * set as defaults: the starting point of the ML walkthroughs.
     */
    static Cli withWorkspace(TestServer server, Path configDirectory) {
        Cli cli = new Cli(configDirectory);
        cli.ok("login", "--server", server.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                "--data-dir", server.dataDirectory().toString());
        cli.ok("group", "create", "-n", "rg1", "-l", "japaneast");
        cli.ok("ml", "workspace", "create", "-n", "mlw", "-g", "rg1");
        cli.ok("configure", "--defaults", "workspace=mlw", "group=rg1");
        return cli;
    }

    static Path root() {
        return ROOT;
    }
}
