package dev.amlite.store;

import java.nio.file.Path;
import java.util.Locale;

/** Facts about each database amlite can keep its metadata in. H2 is the labelled development default. */
public enum StoreVendor {
    H2("org.h2.Driver", "jdbc:h2:"),
    POSTGRESQL("org.postgresql.Driver", "jdbc:postgresql:");

    private final String driverClass;
    private final String urlPrefix;

    StoreVendor(String driverClass, String urlPrefix) {
        this.driverClass = driverClass;
        this.urlPrefix = urlPrefix;
    }

    public String driverClass() {
        return driverClass;
    }

    public static StoreVendor fromUrl(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        for (StoreVendor vendor : values()) {
            if (lower.startsWith(vendor.urlPrefix)) {
                return vendor;
            }
        }
        throw new IllegalArgumentException("Unsupported database URL '" + jdbcUrl
                + "'. Use jdbc:postgresql://host:port/db, or leave --db-url out for the embedded H2 file.");
    }

    /**
     * The embedded file database inside a data directory ({@link H2GroupCommit} makes commits durable). Background
     * compaction starts below 50 % live data instead of H2's 90 %, to spend less of the store lock on compaction
     * when every group of commits writes the file; docs/benchmarks.md was measured with it (its effect alone was
     * not measured apart).
     */
    public static String embeddedH2Url(Path dataDirectory) {
        return "jdbc:h2:file:" + dataDirectory.resolve("db").resolve("amlite").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;AUTO_COMPACT_FILL_RATE=50";
    }
}
