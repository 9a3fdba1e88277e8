package dev.amlite.control.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScoringRoutesTest {
    private static EndpointRoute route(String id, int version) {
        return new EndpointRoute(id, "ep" + version, "ws", true, EndpointRoute.KEY, null, null, null, null, Map.of(),
                null, null);
    }

    @Test
    void aReplacedRouteIsNeverMissingToAReaderAtTheSameTime() throws Exception {
        Map<String, EndpointRoute> routes = new ConcurrentHashMap<>();
        ScoringRoutes.replace(routes, "japaneast/roll", route("/x/roll", 0));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong misses = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                if (routes.get("japaneast/roll") == null) {
                    misses.incrementAndGet();
                }
                reads.incrementAndGet();
            }
        });
        for (int i = 1; i <= 2_000_000; i++) {
            ScoringRoutes.replace(routes, "japaneast/roll", route("/x/roll", i));
        }
        running.set(false);
        reader.join();
        assertThat(reads.get()).isPositive();
        assertThat(misses.get()).as("reads that found no route while it was replaced").isZero();
        assertThat(routes).containsOnlyKeys("japaneast/roll");
        assertThat(routes.get("japaneast/roll").name()).isEqualTo("ep2000000");
    }

    @Test
    void anEndpointUnderANewKeyLeavesNoRouteUnderItsOldOne() {
        Map<String, EndpointRoute> routes = new ConcurrentHashMap<>();
        ScoringRoutes.replace(routes, "japaneast/roll", route("/x/roll", 0));
        ScoringRoutes.replace(routes, "japaneast/other", route("/x/other", 0));
        ScoringRoutes.replace(routes, "westus/roll", route("/X/ROLL", 1));
        assertThat(routes).containsOnlyKeys("westus/roll", "japaneast/other");
    }
}
