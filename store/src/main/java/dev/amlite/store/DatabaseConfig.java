package dev.amlite.store;

import static java.util.Objects.requireNonNull;

/** Where the metadata lives. The password is never logged. */
public record DatabaseConfig(String jdbcUrl, String user, String password, int maxPoolSize) {
    public DatabaseConfig {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1, was " + maxPoolSize);
        }
    }

    public StoreVendor vendor() {
        return StoreVendor.fromUrl(jdbcUrl);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=****, maxPoolSize=" + maxPoolSize + "]";
    }
}
