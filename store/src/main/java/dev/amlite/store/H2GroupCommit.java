package dev.amlite.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * Makes H2 commits durable before a store call returns, with group commit.
 *
 * <p>H2 has no redo log: committed changes live in memory until its background writer stores them in the file
 * (every 500 ms), so a killed process loses the last commits. Writing every commit synchronously (H2's
 * WRITE_DELAY=0) fixes that but stores one chunk of whole B-tree pages (~40 KB) per commit, one at a time, and
 * turns off the background compaction. Here every store call ends by making sure a store of the file that
 * <em>began after its commit</em> has completed: the first waiter writes, and everyone who committed before that
 * write began is covered by it and returns without writing again. The background writer stays on for
 * compaction.
 */
final class H2GroupCommit {
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Number of stores begun by this class; a store numbered above a caller's ticket began after its commit. */
    private volatile long begun;
    /** Number of the last store that completed. Written under the lock. */
    private volatile long completed;

    /**
     * Begins a statement whose change need not be durable when its call returns: one whose loss in a crash is made
     * good at the next start (the leases of compute nodes, which every start frees). It is stored with the next
     * durable write, or by H2's background writer within 500 ms.
     */
    static final String LAZY = "/* lazy */ ";

    /** Set by {@link #customizer()} when the current thread's store call ran a statement that changes data. */
    private final ThreadLocal<Boolean> wrote = ThreadLocal.withInitial(() -> false);

    /** Marks calls that wrote, so that reads never wait for a store of other callers' changes. */
    StatementCustomizer customizer() {
        return new StatementCustomizer() {
            @Override
            public void afterExecution(PreparedStatement statement, StatementContext context) {
                String sql = context.getRawSql().stripLeading();
                if (sql.startsWith(LAZY.strip())) {
                    return;
                }
                if (sql.regionMatches(true, 0, "INSERT", 0, 6) || sql.regionMatches(true, 0, "UPDATE", 0, 6)
                        || sql.regionMatches(true, 0, "DELETE", 0, 6) || sql.regionMatches(true, 0, "MERGE", 0, 5)) {
                    wrote.set(true);
                }
            }
        };
    }

    <R, X extends Exception> HandleCallback<R, X> writtenBeforeReturn(HandleCallback<R, X> callback) {
        return handle -> {
            R result;
            try {
                result = callback.withHandle(handle);
            } catch (Exception | Error e) {
                wrote.remove();
                throw e;
            }
            if (!wrote.get()) {
                return result;
            }
            wrote.remove();
            MVStore store = store(handle.getConnection());
            if (store.hasUnsavedChanges()) {
                long ticket = begun;
                lock.lock();
                try {
                    if (completed <= ticket) {
                        long number = ++begun;
                        store.commit();
                        completed = number;
                    }
                } finally {
                    lock.unlock();
                }
            }
            return result;
        };
    }

    static MVStore store(java.sql.Connection connection) {
        try {
            JdbcConnection h2 = connection.unwrap(JdbcConnection.class);
            return ((SessionLocal) h2.getSession()).getDatabase().getStore().getMvStore();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the H2 store to write commits: " + e.getMessage(), e);
        }
    }
}
