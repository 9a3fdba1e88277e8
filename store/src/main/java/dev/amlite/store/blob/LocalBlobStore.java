package dev.amlite.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import static java.util.Objects.requireNonNull;

/**
 * A storage account's blobs as files: {@code <root>/<container>/<blob name>}, with each blob's MD5 beside it in
 * {@code <root>/.md5/<container>/<blob name>}. A write goes to a hidden temporary file in the target folder, is
 * hashed while it streams, forced to disk and renamed into place only when complete and matching the MD5 the
 * client sent — so a reader never sees half a blob, and a cut-off upload leaves nothing visible.
 */
public final class LocalBlobStore implements BlobStore {
    private static final String MD5_FOLDER = ".md5";
    private final String account;
    private final Path root;
    private final String endpoint;
    private final Supplier<byte[]> signingKey;
    private final Clock clock;

    public LocalBlobStore(String account, Path root, String endpoint, Supplier<byte[]> signingKey, Clock clock) {
        this.account = requireNonNull(account, "account is null");
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.endpoint = stripSlash(requireNonNull(endpoint, "endpoint is null"));
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void createContainer(String container) {
        try {
            Files.createDirectories(containerPath(container));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean containerExists(String container) {
        return Files.isDirectory(containerPath(container));
    }

    /** Checks a request's signature for {@code container}; throws SecurityException saying what is wrong. */
    public LocalSas.Grant verify(String container, String rawQuery) {
        return LocalSas.verify(signingKey.get(), account, container, rawQuery, clock.instant());
    }

    @Override
    public String signedUrl(String container, String prefix, String permissions, Duration validity) {
        String sas = LocalSas.sign(signingKey.get(), account, container, prefix, permissions, clock.instant().plus(validity));
        return endpoint + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix) + "?" + sas;
    }

    /**
     * Writes a blob from a stream. {@code expectedMd5} (base64), when given, must match what arrived, else nothing
     * is written and the error says so.
     */
    public BlobItem put(String container, String name, InputStream content, String expectedMd5) throws IOException {
        Path target = blobPath(container, name);
        if (!Files.isDirectory(containerPath(container))) {
            throw new BlobException(404, "ContainerNotFound", "The container '" + container + "' does not exist.");
        }
        if (Files.isDirectory(target)) {
            throw new BlobException(409, "BlobNameConflict", "'" + name + "' is a folder of other blobs here; a blob "
                    + "cannot have the same name.");
        }
        try {
            Files.createDirectories(target.getParent());
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new BlobException(409, "BlobNameConflict", "A parent of '" + name + "' is itself a blob; a blob "
                    + "cannot be below another blob.");
        }
        Path temporary = target.resolveSibling(BlobNames.UPLOAD_PREFIX + UUID.randomUUID());
        MessageDigest md5 = md5();
        long size = 0;
        boolean done = false;
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(channel)) {
            byte[] buffer = new byte[1 << 20];
            int read;
            // readNBytes fills the buffer: the HTTP layer hands over a few KiB per read, and a write per read
            // would cost a system call per few KiB.
            while ((read = content.readNBytes(buffer, 0, buffer.length)) > 0) {
                md5.update(buffer, 0, read);
                out.write(buffer, 0, read);
                size += read;
            }
            String actual = Base64.getEncoder().encodeToString(md5.digest());
            if (expectedMd5 != null && !expectedMd5.equals(actual)) {
                throw new BlobException(400, "Md5Mismatch", "The MD5 value specified in the request (" + expectedMd5
                        + ") did not match the MD5 of the content that arrived (" + actual + "); nothing was written.");
            }
            channel.force(true);
            writeMd5(container, name, actual);
            move(temporary, target);
            done = true;
            return new BlobItem(name, size, actual, Files.getLastModifiedTime(target).toInstant());
        } finally {
            if (!done) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    public Optional<BlobItem> properties(String container, String name) {
        Path path = blobPath(container, name);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new BlobItem(name, attributes.size(), readMd5(container, name),
                    attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void upload(String container, String name, Path source) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(source)) {
            put(container, name, in, null);
        }
    }

    @Override
    public void download(String container, String name, Path target) throws IOException {
        java.nio.file.Files.copy(blobPath(container, name), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The blob's bytes from {@code offset}, at most {@code length} of them. */
    public InputStream open(String container, String name, long offset, long length) throws IOException {
        FileChannel channel = FileChannel.open(blobPath(container, name), StandardOpenOption.READ);
        channel.position(offset);
        InputStream in = Channels.newInputStream(channel);
        return new InputStream() {
            long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(buffer, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    public boolean delete(String container, String name) {
        try {
            Files.deleteIfExists(md5Path(container, name));
            boolean deleted = Files.isRegularFile(blobPath(container, name)) && Files.deleteIfExists(blobPath(container, name));
            pruneEmptyFolders(blobPath(container, name).getParent(), containerPath(container));
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean anyAt(String container, String path) {
        String name = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (name.isEmpty() || !Files.isDirectory(containerPath(container))) {
            return false;
        }
        Path target = blobPath(container, name);
        if (Files.isRegularFile(target)) {
            return true;
        }
        if (!Files.isDirectory(target)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(target)) {
            return walk.anyMatch(file -> Files.isRegularFile(file)
                    && !file.getFileName().toString().startsWith(BlobNames.UPLOAD_PREFIX));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<BlobItem> list(String container, String prefix) {
        Path base = containerPath(container);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        // Walk only the deepest folder the prefix names, not the whole container.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? base : base.resolve(prefix.substring(0, slash)).normalize();
        if (!start.startsWith(base) || !Files.isDirectory(start)) {
            return List.of();
        }
        List<BlobItem> items = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(start)) {
            walk.filter(Files::isRegularFile)
                    .filter(path -> !path.getFileName().toString().startsWith(BlobNames.UPLOAD_PREFIX))
                    .forEach(path -> {
                        String name = base.relativize(path).toString().replace('\\', '/');
                        if (name.startsWith(prefix)) {
                            properties(container, name).ifPresent(items::add);
                        }
                    });
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        items.sort(Comparator.comparing(BlobItem::name));
        return items;
    }

    @Override
    public int deletePrefix(String container, String prefix) {
        int count = 0;
        for (BlobItem item : list(container, prefix)) {
            if (delete(container, item.name())) {
                count++;
            }
        }
        return count;
    }

    /** Removes temporary files of writes that a crash interrupted more than {@code age} ago. */
    public int deleteStaleWrites(Duration age) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Instant before = clock.instant().minus(age);
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> stale = walk.filter(path -> path.getFileName().toString().startsWith(BlobNames.UPLOAD_PREFIX))
                    .filter(path -> {
                        try {
                            return Files.getLastModifiedTime(path).toInstant().isBefore(before);
                        } catch (IOException e) {
                            return false;
                        }
                    }).toList();
            for (Path path : stale) {
                Files.deleteIfExists(path);
            }
            return stale.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path containerPath(String container) {
        if (!BlobNames.isContainer(container)) {
            throw new BlobException(400, "InvalidResourceName", "'" + container + "' is not a valid container name: "
                    + "3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
        return root.resolve(container);
    }

    private Path blobPath(String container, String name) {
        Path base = containerPath(container);
        try {
            BlobNames.checkBlob(name);
        } catch (IllegalArgumentException e) {
            throw new BlobException(400, "InvalidResourceName", e.getMessage());
        }
        Path path = base.resolve(name).normalize();
        if (!path.startsWith(base) || path.equals(base)) {
            throw new BlobException(400, "InvalidResourceName", "The blob name '" + name + "' leaves its container.");
        }
        return path;
    }

    private Path md5Path(String container, String name) {
        return root.resolve(MD5_FOLDER).resolve(container).resolve(name).normalize();
    }

    private void writeMd5(String container, String name, String md5) throws IOException {
        Path path = md5Path(container, name);
        Files.createDirectories(path.getParent());
        Path temporary = path.resolveSibling(BlobNames.UPLOAD_PREFIX + UUID.randomUUID());
        Files.writeString(temporary, md5);
        move(temporary, path);
    }

    private String readMd5(String container, String name) {
        try {
            return Files.readString(md5Path(container, name)).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void pruneEmptyFolders(Path folder, Path stopAt) {
        Path current = folder;
        while (current != null && current.startsWith(stopAt) && !current.equals(stopAt)) {
            try {
                Files.delete(current);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return;
            }
            current = current.getParent();
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
