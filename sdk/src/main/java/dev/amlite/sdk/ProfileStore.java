package dev.amlite.sdk;

import dev.amlite.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The CLI's state directory ({@code AMLITE_CONFIG_DIR}, default {@code ~/.amlite}): profile.json (login) and
 * config.json (defaults). Files are written atomically and readable by their owner only.
 */
public final class ProfileStore {
    private final Path directory;

    public ProfileStore(Path directory) {
        this.directory = directory;
    }

    public static ProfileStore fromEnvironment() {
        String configured = System.getenv("AMLITE_CONFIG_DIR");
        return new ProfileStore(configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".amlite"));
    }

    public Path directory() {
        return directory;
    }

    public Optional<Profile> load() {
        Path file = directory.resolve("profile.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), Profile.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + "; run 'amlite login' again", e);
        }
    }

    public void save(Profile profile) {
        write("profile.json", Json.write(profile));
    }

    public void clear() {
        try {
            Files.deleteIfExists(directory.resolve("profile.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String readConfig() {
        Path file = directory.resolve("config.json");
        try {
            return Files.exists(file) ? Files.readString(file) : "{}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeConfig(String json) {
        write("config.json", json);
    }

    /** Copies a CA certificate into the state directory so later commands trust it even if the original moves. */
    public Path keepCaFile(Path source, String name) {
        try {
            Files.createDirectories(directory.resolve("ca"));
            Path target = directory.resolve("ca").resolve(name + ".pem");
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the CA file " + source, e);
        }
    }

    private void write(String name, String content) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, name, ".tmp");
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // non-POSIX file system
            }
            Files.writeString(temporary, content);
            Files.move(temporary, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + directory.resolve(name), e);
        }
    }
}
