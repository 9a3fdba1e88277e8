package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.sdk.ProfileStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that does something: it gets a {@link Session}, returns a JSON result, and the result is queried
 * and printed in the chosen format. Subclasses only compute the result.
 */
abstract class Leaf implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Override
    public final Integer call() {
        long started = System.nanoTime();
        // Closing the session stops the HTTP client's selector thread: a thread left blocked in native code makes
        // the JVM wait up to 300 ms at exit before it gives up on it.
        try (Session session = new Session(global, ProfileStore.fromEnvironment(), System.out, System.err)) {
            JsonNode result = run(session);
            JsonNode shown = Output.query(result, global.query);
            Output.print(shown, global.output, columns(), System.out);
        }
        if (global.verbose || global.debug) {
            System.err.printf("INFO: Command ran in %.3f seconds%n", (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }

    abstract JsonNode run(Session session);

    /** Table columns for -o table; empty means "the scalar members of each row". */
    List<Column> columns() {
        return List.of();
    }
}
