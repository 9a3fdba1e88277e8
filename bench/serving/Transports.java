package bench;

import dev.amlite.serving.listener.InferenceListener;
import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.listener.ListenerSettings;
import dev.amlite.serving.port.EventLoops;
import dev.amlite.serving.port.Upstream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The router's hop to an instance over loopback TCP and over a Unix domain socket, side by side in one process:
 * amlite's own client ({@code Upstream}, on event loops) against amlite's own instance server
 * ({@code InferenceListener}, a thread per connection) answering a constant, CONNECTIONS requests in flight, rounds
 * alternating between the two transports. Both ends run in this JVM, so the CPU it reports per request is the whole
 * exchange's: client, server and the kernel's work for both. With "loops" as the fourth argument it compares instead
 * the router's event loops on epoll and on io_uring, both over the Unix socket.
 * Usage: java -cp amlite-server.jar:. bench.Transports [SECONDS per round] [ROUNDS] [CONNECTIONS] [hop|loops]
 */
public final class Transports {
    private static final byte[] BODY = "{\"data\": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = "[11055.977245525679, 4503.079536107787]".getBytes(StandardCharsets.UTF_8);

    private record Round(double perSecond, double cpuMicros, double p50Micros, double p99Micros) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        boolean loops = args.length > 3 && args[3].equals("loops");
        Path folder = Files.createTempDirectory("amlite-i");
        ListenerSettings settings = ListenerSettings.defaults("127.0.0.1", 0);
        try (EventLoops epoll = EventLoops.of(2, EventLoops.Transport.EPOLL);
             EventLoops uring = EventLoops.of(2, EventLoops.Transport.IO_URING);
             InferenceListener tcp = start(InferenceListener.bind(settings, null));
             InferenceListener local = start(InferenceListener.bindLocal(folder.resolve("amlite.sock"), settings));
             // "hop": the same epoll loops over TCP (A) and the Unix socket (B); "loops": the Unix socket from
             // epoll loops (A) and from io_uring loops (B).
             Upstream a = loops ? new Upstream(epoll, local.socketFile(), 1)
                     : new Upstream(epoll, "127.0.0.1", tcp.port());
             Upstream b = new Upstream(loops ? uring : epoll, local.socketFile(), 1)) {
            String nameA = loops ? "epoll" : "TCP";
            String nameB = loops ? uring.transport().label() : "Unix";
            run(a, connections, 2); // warm-up: JIT, connections
            run(b, connections, 2);
            List<Round> roundsA = new ArrayList<>();
            List<Round> roundsB = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                Round x = run(a, connections, seconds);
                Round y = run(b, connections, seconds);
                roundsA.add(x);
                roundsB.add(y);
                System.out.printf("round %d   %s %8.0f req/s  CPU %5.1f us/req  p50 %6.0f us  p99 %6.0f us"
                                + "   |   %s %8.0f req/s  CPU %5.1f us/req  p50 %6.0f us  p99 %6.0f us%n", round,
                        nameA, x.perSecond, x.cpuMicros, x.p50Micros, x.p99Micros,
                        nameB, y.perSecond, y.cpuMicros, y.p50Micros, y.p99Micros);
            }
            System.out.printf("median of rounds, %s / %s: throughput %.2fx, CPU per request %.2fx, p99 %.2fx%n",
                    nameB, nameA,
                    medianRatio(roundsB, roundsA, Round::perSecond),
                    medianRatio(roundsB, roundsA, Round::cpuMicros),
                    medianRatio(roundsB, roundsA, Round::p99Micros));
        } finally {
            Files.deleteIfExists(folder);
        }
    }

    private static InferenceListener start(InferenceListener listener) {
        listener.start(request -> {
            try {
                request.body(1 << 20);
            } catch (IOException e) {
                return new InferenceReply(400, Map.of(), new byte[0]);
            }
            return new InferenceReply(200, Map.of("Content-Type", "application/json"), ANSWER);
        });
        return listener;
    }

    /** CONNECTIONS requests in flight for {@code seconds}: each answer sends the next request at once. */
    private static Round run(Upstream upstream, int connections, int seconds) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        long[][] latencies = new long[connections][];
        int[] counts = new int[connections];
        CountDownLatch finished = new CountDownLatch(connections);
        long cpuBefore = os.getProcessCpuTime();
        long started = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            latencies[c] = new long[1 << 16];
            send(upstream, c, stop, done, latencies, counts, finished);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        finished.await(10, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - started;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        int total = done.get();
        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int c = 0; c < connections; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        return new Round(total / (elapsed / 1e9), cpu / 1e3 / total, all[all.length / 2] / 1e3,
                all[(int) (all.length * 0.99)] / 1e3);
    }

    private static void send(Upstream upstream, int c, AtomicBoolean stop, AtomicInteger done, long[][] latencies,
                             int[] counts, CountDownLatch finished) {
        long sent = System.nanoTime();
        upstream.post("/score", Map.of("Content-Type", "application/json"), BODY, TimeUnit.SECONDS.toNanos(5))
                .whenComplete((answer, failure) -> {
                    if (failure != null || answer.status() != 200) {
                        System.err.println("failed: " + (failure != null ? failure : answer.status()));
                        finished.countDown();
                        return;
                    }
                    if (counts[c] < latencies[c].length) {
                        latencies[c][counts[c]++] = System.nanoTime() - sent;
                    }
                    done.incrementAndGet();
                    if (stop.get()) {
                        finished.countDown();
                    } else {
                        send(upstream, c, stop, done, latencies, counts, finished);
                    }
                });
    }

    private static double medianRatio(List<Round> a, List<Round> b, java.util.function.ToDoubleFunction<Round> f) {
        double[] ratios = new double[a.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = f.applyAsDouble(a.get(i)) / f.applyAsDouble(b.get(i));
        }
        Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }
}
