package dev.amlite.serving.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live traffic shared by integer percentages (EP-5), exactly: smooth weighted round robin (nginx's upstream
 * algorithm) hands out every window of 100 consecutive requests in exactly the configured proportions, and
 * interleaves them, so "blue=90 green=10" sends one request in ten to green rather than ten in a row.
 */
public final class WeightedSplit {
    private final String[] names;
    private final int[] weights;
    private final int total;
    private final int[] current;

    public WeightedSplit(Map<String, Integer> weights) {
        Map<String, Integer> positive = new LinkedHashMap<>();
        weights.forEach((name, weight) -> {
            if (weight < 0) {
                throw new IllegalArgumentException("Weight of " + name + " is negative: " + weight);
            }
            if (weight > 0) {
                positive.put(name, weight);
            }
        });
        List<String> keys = List.copyOf(positive.keySet());
        this.names = keys.toArray(String[]::new);
        this.weights = keys.stream().mapToInt(positive::get).toArray();
        this.total = java.util.Arrays.stream(this.weights).sum();
        this.current = new int[names.length];
    }

    /** True when no deployment takes live traffic: every request without a pin gets 404. */
    public boolean isEmpty() {
        return names.length == 0;
    }

    /** The deployment for the next request, or null when no deployment has traffic. */
    public synchronized String next() {
        if (names.length == 0) {
            return null;
        }
        int best = 0;
        for (int i = 0; i < names.length; i++) {
            current[i] += weights[i];
            if (current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        return names[best];
    }
}
