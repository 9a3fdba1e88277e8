package dev.amlite.store;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import static java.util.Objects.requireNonNull;

/** Users, service principals and their secrets (hashes only). */
public final class PrincipalStore {
    private static final String COLUMNS = "object_id, tenant_id, kind, display_name, sign_in_name, created_at";
    private final Jdbi jdbi;

    public PrincipalStore(Database database) {
        this.jdbi = requireNonNull(database, "database is null").jdbi();
    }

    public void insert(Principal principal) {
        try {
            jdbi.useHandle(handle -> handle.createUpdate("""
                    INSERT INTO principals (object_id, tenant_id, kind, display_name, sign_in_key, sign_in_name, created_at)
                    VALUES (:objectId, :tenantId, :kind, :displayName, :key, :signInName, :createdAt)""")
                    .bind("objectId", principal.objectId())
                    .bind("tenantId", principal.tenantId())
                    .bind("kind", principal.kind().name())
                    .bind("displayName", principal.displayName())
                    .bind("key", principal.signInName().toLowerCase(Locale.ROOT))
                    .bind("signInName", principal.signInName())
                    .bind("createdAt", principal.createdAt())
                    .execute());
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw new ArmException(ErrorCode.PrincipalExists,
                        "A principal named '" + principal.signInName() + "' already exists.");
            }
            throw e;
        }
    }

    public Optional<Principal> byObjectId(String objectId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM principals WHERE object_id = :id")
                .bind("id", objectId).map(PrincipalStore::map).findOne());
    }

    public Optional<Principal> bySignInName(String signInName) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM principals WHERE sign_in_key = :key")
                .bind("key", signInName.toLowerCase(Locale.ROOT)).map(PrincipalStore::map).findOne());
    }

    public List<Principal> list(String tenantId, PrincipalKind kind) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM principals WHERE tenant_id = :tenant AND kind = :kind ORDER BY sign_in_key")
                .bind("tenant", tenantId).bind("kind", kind.name()).map(PrincipalStore::map).list());
    }

    public boolean delete(String objectId) {
        return jdbi.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM principal_secrets WHERE object_id = :id").bind("id", objectId).execute();
            return handle.createUpdate("DELETE FROM principals WHERE object_id = :id").bind("id", objectId).execute() > 0;
        });
    }

    public void addSecret(PrincipalSecret secret) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                INSERT INTO principal_secrets (secret_id, object_id, hash, hint, created_at, expires_at)
                VALUES (:secretId, :objectId, :hash, :hint, :createdAt, :expiresAt)""")
                .bindMethods(secret)
                .execute());
    }

    /** Replaces every secret of a principal with one (a user's password change). */
    public void replaceSecrets(PrincipalSecret secret) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM principal_secrets WHERE object_id = :id").bind("id", secret.objectId()).execute();
            handle.createUpdate("""
                    INSERT INTO principal_secrets (secret_id, object_id, hash, hint, created_at, expires_at)
                    VALUES (:secretId, :objectId, :hash, :hint, :createdAt, :expiresAt)""")
                    .bindMethods(secret).execute();
        });
    }

    public List<PrincipalSecret> secrets(String objectId) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT secret_id, object_id, hash, hint, created_at, expires_at FROM principal_secrets
                        WHERE object_id = :id ORDER BY created_at""")
                .bind("id", objectId)
                .map((row, context) -> new PrincipalSecret(row.getString("secret_id"), row.getString("object_id"),
                        row.getString("hash"), row.getString("hint"), StoredTimes.read(row, "created_at"),
                        StoredTimes.read(row, "expires_at")))
                .list());
    }

    private static Principal map(java.sql.ResultSet row, org.jdbi.v3.core.statement.StatementContext context)
            throws java.sql.SQLException {
        return new Principal(row.getString("object_id"), row.getString("tenant_id"),
                PrincipalKind.valueOf(row.getString("kind")), row.getString("display_name"),
                row.getString("sign_in_name"), StoredTimes.read(row, "created_at"));
    }
}
