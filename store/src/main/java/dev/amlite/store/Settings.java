package dev.amlite.store;

import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/** Small server-wide values kept in the store (the token signing key, the first-start marker). */
public final class Settings {
    private final Jdbi jdbi;

    public Settings(Database database) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
    }

    public Optional<String> get(String name) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT setting_value FROM settings WHERE setting_name = :name")
                .bind("name", name).mapTo(String.class).findOne());
    }

    /**
     * Returns the stored value, or stores and returns the supplied one. Two servers starting together agree on
     * one value: the loser of the insert race reads the winner's.
     */
    public String getOrCreate(String name, Supplier<String> initial) {
        Optional<String> existing = get(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        String value = initial.get();
        try {
            jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO settings (setting_name, setting_value) VALUES (:name, :value)")
                    .bind("name", name).bind("value", value).execute());
            return value;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return get(name).orElseThrow();
            }
            throw e;
        }
    }

    public void put(String name, String value) {
        jdbi.useTransaction(handle -> {
            int updated = handle.createUpdate("UPDATE settings SET setting_value = :value WHERE setting_name = :name")
                    .bind("name", name).bind("value", value).execute();
            if (updated == 0) {
                handle.createUpdate("INSERT INTO settings (setting_name, setting_value) VALUES (:name, :value)")
                        .bind("name", name).bind("value", value).execute();
            }
        });
    }
}
