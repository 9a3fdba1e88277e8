import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load client for the serving benchmarks: CONCURRENCY workers send TOTAL POSTs between them and
 * record, per status, the count and latency percentiles, and which deployment answered (azureml-model-deployment).
 * Usage: java LoadClient.java URL KEY CONCURRENCY TOTAL BODY [DEPLOYMENT to pin with azureml-model-deployment]
 */
public class LoadClient {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String key = args[1];
        int concurrency = Integer.parseInt(args[2]);
        long total = Long.parseLong(args[3]);
        String body = args[4];
        String pinned = args.length > 5 ? args[5] : null;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(HttpClient.Builder.NO_PROXY)
                .build();
        AtomicLong remaining = new AtomicLong(total);
        Map<Integer, List<Long>> latencies = new ConcurrentHashMap<>();
        Map<String, AtomicLong> deployments = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        try (ExecutorService workers = Executors.newFixedThreadPool(concurrency)) {
            for (int w = 0; w < concurrency; w++) {
                workers.submit(() -> {
                    List<long[]> mine = new ArrayList<>();
                    while (remaining.getAndDecrement() > 0) {
                        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body));
                        if (pinned != null) {
                            builder.header("azureml-model-deployment", pinned);
                        }
                        HttpRequest request = builder.build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - t0;
                        mine.add(new long[] {response.statusCode(), took});
                        deployments.computeIfAbsent(response.headers().firstValue("azureml-model-deployment")
                                .orElse("-"), k -> new AtomicLong()).incrementAndGet();
                    }
                    for (long[] sample : mine) {
                        latencies.computeIfAbsent((int) sample[0], k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(sample[1]);
                    }
                    return null;
                });
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        StringBuilder out = new StringBuilder();
        out.append(String.format("{\"requests\": %d, \"seconds\": %.2f, \"rps\": %.0f, \"statuses\": {", total, seconds,
                total / seconds));
        boolean first = true;
        for (Map.Entry<Integer, List<Long>> entry : new TreeMap<>(latencies).entrySet()) {
            List<Long> sorted = new ArrayList<>(entry.getValue());
            Collections.sort(sorted);
            out.append(first ? "" : ", ").append(String.format("\"%d\": {\"count\": %d, \"p50_ms\": %.2f, "
                    + "\"p99_ms\": %.2f, \"max_ms\": %.2f}", entry.getKey(), sorted.size(), pct(sorted, 0.5),
                    pct(sorted, 0.99), sorted.getLast() / 1e6));
            first = false;
        }
        out.append("}, \"deployments\": {");
        first = true;
        for (Map.Entry<String, AtomicLong> entry : new TreeMap<>(deployments).entrySet()) {
            out.append(first ? "" : ", ").append('"').append(entry.getKey()).append("\": ").append(entry.getValue().get());
            first = false;
        }
        System.out.println(out.append("}}"));
    }

    private static double pct(List<Long> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }
}
