package dev.amlite.control.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.ArmError;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Names;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules of EP-1, EP-5 and EP-6 as pure functions: endpoint and deployment names, the traffic split and the
 * mirror. Every problem of a request is reported at once, each as its own detail.
 */
final class EndpointRules {
    static final int MAX_DEPLOYMENTS = 20;
    static final int MAX_INSTANCES = 50;
    static final int MAX_MIRROR_PERCENT = 50;

    private EndpointRules() {
    }

    /** 3–32 characters, a letter first, then letters, digits and single hyphens, not ending in a hyphen. */
    static void checkName(String what, String name) {
        Names.checkEndpointName(what, name);
    }

    /** A traffic or mirror map: deployment name to an integer percentage. */
    static Map<String, Integer> percentages(String member, JsonNode node) {
        Map<String, Integer> result = new LinkedHashMap<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return result;
        }
        if (!node.isObject()) {
            throw new ArmException(ErrorCode.InvalidParameter, member + " must be an object of deployment name to "
                    + "percentage, e.g. {\"blue\": 90, \"green\": 10}.");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            boolean whole = value.isIntegralNumber() && value.canConvertToInt()
                    || value.isTextual() && value.asText().matches("-?\\d{1,9}");
            if (!whole) {
                throw new ArmException(ErrorCode.InvalidParameter, member + " of deployment '" + field.getKey()
                        + "' must be a whole number from 0 to 100; '" + value.asText() + "' was given.");
            }
            result.put(field.getKey(), value.isTextual() ? Integer.parseInt(value.asText()) : value.asInt());
        }
        return result;
    }

    /**
     * Checks traffic and mirror traffic against the endpoint's deployments. {@code deployments} are the names that
     * exist (case as stored); names in the maps match them case-insensitively, as Azure does.
     */
    static void checkTraffic(String endpoint, Map<String, Integer> traffic, Map<String, Integer> mirror,
                             Set<String> deployments) {
        List<ArmError> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        known.addAll(deployments);
        int sum = 0;
        for (Map.Entry<String, Integer> entry : traffic.entrySet()) {
            int value = entry.getValue();
            if (value < 0 || value > 100) {
                problems.add(ArmError.of(ErrorCode.InvalidParameter, "Traffic of deployment '" + entry.getKey()
                        + "' is " + value + "; a percentage is from 0 to 100."));
            }
            sum += value;
            if (!known.contains(entry.getKey())) {
                problems.add(ArmError.of(ErrorCode.InvalidParameter, unknown("Traffic", entry.getKey(), endpoint,
                        deployments)));
            }
        }
        if (!traffic.isEmpty() && sum != 0 && sum != 100) {
            problems.add(ArmError.of(ErrorCode.InvalidParameter, "Traffic of endpoint '" + endpoint + "' adds up to "
                    + sum + "%; it must add up to 100 (or 0 to send no live traffic)."));
        }
        List<String> mirrored = mirror.entrySet().stream().filter(e -> e.getValue() != 0).map(Map.Entry::getKey).toList();
        if (mirrored.size() > 1) {
            problems.add(ArmError.of(ErrorCode.InvalidParameter, "Mirror traffic names " + mirrored.size()
                    + " deployments (" + String.join(", ", mirrored) + "); traffic can be mirrored to one deployment "
                    + "only."));
        }
        for (Map.Entry<String, Integer> entry : mirror.entrySet()) {
            int value = entry.getValue();
            if (value < 0 || value > MAX_MIRROR_PERCENT) {
                problems.add(ArmError.of(ErrorCode.InvalidParameter, "Mirror traffic of deployment '" + entry.getKey()
                        + "' is " + value + "%; at most " + MAX_MIRROR_PERCENT + "% of live traffic can be mirrored."));
            }
            if (!known.contains(entry.getKey())) {
                problems.add(ArmError.of(ErrorCode.InvalidParameter, unknown("Mirror traffic", entry.getKey(),
                        endpoint, deployments)));
            }
            if (value > 0 && traffic.entrySet().stream().anyMatch(t -> t.getKey().equalsIgnoreCase(entry.getKey())
                    && t.getValue() > 0)) {
                problems.add(ArmError.of(ErrorCode.InvalidParameter, "Deployment '" + entry.getKey() + "' has live "
                        + "traffic, so it cannot also get mirrored traffic: a deployment gets live or mirrored "
                        + "traffic, not both."));
            }
        }
        if (problems.size() == 1) {
            ArmError only = problems.getFirst();
            throw new ArmException(ErrorCode.valueOf(only.code()), only.message());
        }
        if (!problems.isEmpty()) {
            throw new ArmException(ErrorCode.InvalidParameter, "The traffic settings of endpoint '" + endpoint
                    + "' have " + problems.size() + " problems: " + String.join(" ",
                    problems.stream().map(ArmError::message).toList()), null, problems);
        }
    }

    private static String unknown(String what, String name, String endpoint, Set<String> deployments) {
        return what + " names deployment '" + name + "', which endpoint '" + endpoint + "' does not have ("
                + (deployments.isEmpty() ? "it has no deployments yet: create one first, e.g. with "
                + "'amlite ml online-deployment create ... --all-traffic'" : "it has " + String.join(", ",
                new TreeSet<>(deployments))) + ").";
    }
}
