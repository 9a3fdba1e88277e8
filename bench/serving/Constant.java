package bench;

import dev.amlite.scoring.ScoringScript;
import java.nio.file.Path;

/** A trivial backend for the router benchmarks: answers a constant, after DELAY_MS when set (a slow shadow). */
public class Constant implements ScoringScript {
    private final long delay = Long.parseLong(System.getenv().getOrDefault("DELAY_MS", "0"));

    @Override
    public void init(Path modelDir) {
    }

    @Override
    public String run(String rawData) throws Exception {
        if (delay > 0) {
            Thread.sleep(delay);
        }
        return "{\"ok\": true}";
    }
}
