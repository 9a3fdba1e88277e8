package dev.amlite.control.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmError;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.RefreshingValue;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import static java.util.Objects.requireNonNull;

/**
 * Evaluates policy assignments against a resource about to be created or changed (RM-10). Every assignment at the
 * resource's scope chain is checked; all violations are reported together, in ARM's RequestDisallowedByPolicy.
 */
public final class PolicyEngine {
    public static final String ASSIGNMENT_TYPE = "Microsoft.Authorization/policyAssignments";
    private final ResourceStore store;
    private final List<PolicyDefinition> definitions = PolicyDefinition.builtIns();
    private final RefreshingValue<Snapshot> snapshot;

    public PolicyEngine(ResourceStore store, Clock clock, Duration refreshInterval) {
        this.store = requireNonNull(store, "store is null");
        this.snapshot = new RefreshingValue<>(() -> new Snapshot(store.listByType(ASSIGNMENT_TYPE)), clock, refreshInterval);
    }

    /** A resource as policy sees it: where it goes, what type it is, where it is and its tags. */
    public record Candidate(ResourceId id, String type, String location, JsonNode tags) {
    }

    private record Snapshot(List<StoredResource> assignments) {
    }

    public List<PolicyDefinition> definitions() {
        return definitions;
    }

    /** By GUID, by full id, or by display name ("Allowed locations"), ignoring case. */
    public Optional<PolicyDefinition> definition(String nameIdOrDisplayName) {
        String last = nameIdOrDisplayName.substring(nameIdOrDisplayName.lastIndexOf('/') + 1);
        return definitions.stream().filter(d -> d.name().equalsIgnoreCase(last)
                || d.displayName().equalsIgnoreCase(nameIdOrDisplayName)).findFirst();
    }

    public void invalidate() {
        snapshot.invalidate();
    }

    public void enforce(Candidate candidate) {
        List<String> chain = candidate.id().scopeChainKeys();
        List<ArmError> violations = new ArrayList<>();
        ArrayNode identifiers = Json.MAPPER.createArrayNode();
        for (StoredResource assignment : current().assignments()) {
            if (!chain.contains(assignment.id().scope().toLowerCase(Locale.ROOT))) {
                continue;
            }
            JsonNode properties = assignment.document().path("properties");
            if ("DoNotEnforce".equalsIgnoreCase(properties.path("enforcementMode").asText())) {
                continue;
            }
            Optional<PolicyDefinition> definition = definition(properties.path("policyDefinitionId").asText());
            if (definition.isEmpty()) {
                continue;
            }
            JsonNode parameter = properties.path("parameters").path(definition.get().parameterName()).path("value");
            String reason = violation(definition.get(), parameter, candidate);
            if (reason != null) {
                violations.add(new ArmError(ErrorCode.RequestDisallowedByPolicy.name(), reason,
                        assignment.id().id(), null));
                ObjectNode identifier = identifiers.addObject();
                identifier.putObject("policyAssignment").put("name", assignment.id().name()).put("id", assignment.id().id());
                identifier.putObject("policyDefinition").put("name", definition.get().displayName())
                        .put("id", definition.get().id());
            }
        }
        if (!violations.isEmpty()) {
            throw new ArmException(ErrorCode.RequestDisallowedByPolicy, "Resource '" + candidate.id().name()
                    + "' was disallowed by policy. Reasons: " + String.join(" ", violations.stream()
                    .map(ArmError::message).toList()) + " Policy identifiers: '" + Json.write(identifiers) + "'.",
                    candidate.id().name(), violations);
        }
    }

    private static String violation(PolicyDefinition definition, JsonNode parameter, Candidate candidate) {
        boolean isGroup = candidate.id().isResourceGroup();
        String location = candidate.location() == null ? "" : candidate.location().toLowerCase(Locale.ROOT);
        return switch (definition.rule()) {
            case ALLOWED_LOCATIONS -> isGroup || location.isEmpty() || "global".equals(location)
                    || contains(parameter, location) ? null
                    : "Location '" + location + "' is not allowed; allowed locations are " + parameter + ".";
            case ALLOWED_LOCATIONS_FOR_GROUPS -> !isGroup || contains(parameter, location) ? null
                    : "Resource groups may only be created in " + parameter + ", not '" + location + "'.";
            case NOT_ALLOWED_RESOURCE_TYPES -> contains(parameter, candidate.type().toLowerCase(Locale.ROOT))
                    ? "Resource type '" + candidate.type() + "' is not allowed here." : null;
            case REQUIRE_TAG -> isGroup || hasTag(candidate.tags(), parameter.asText()) ? null
                    : "The tag '" + parameter.asText() + "' is required on resources.";
            case REQUIRE_TAG_ON_GROUPS -> !isGroup || hasTag(candidate.tags(), parameter.asText()) ? null
                    : "The tag '" + parameter.asText() + "' is required on resource groups.";
        };
    }

    private static boolean contains(JsonNode list, String value) {
        for (JsonNode item : list) {
            if (item.asText().replace(" ", "").equalsIgnoreCase(value.replace(" ", ""))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasTag(JsonNode tags, String name) {
        if (tags == null) {
            return false;
        }
        var names = tags.fieldNames();
        while (names.hasNext()) {
            if (names.next().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private Snapshot current() {
        return snapshot.get();
    }
}
