package dev.amlite.control.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.Names;
import dev.amlite.core.ResourceId;
import dev.amlite.store.ResourceStore;
import dev.amlite.store.StoredResource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import static java.util.Objects.requireNonNull;

/** The two policy resource types: built-in definitions (read-only) and assignments at a scope (RM-10). */
public final class PolicyHandlers {
    private PolicyHandlers() {
    }

    /** {@code …/providers/Microsoft.Authorization/policyDefinitions[/{name}]}. */
    public static ResourceTypeHandler definitions(PolicyEngine engine) {
        requireNonNull(engine, "engine is null");
        return new ResourceTypeHandler() {
            @Override
            public ArmResponse list(ArmRequest request) {
                return ArmResponse.list(engine.definitions().stream().map(PolicyDefinition::toArm).toList());
            }

            @Override
            public ArmResponse get(ArmRequest request) {
                return ArmResponse.ok(engine.definition(request.resource().name()).orElseThrow(() -> new ArmException(
                        ErrorCode.PolicyDefinitionNotFound, "The policy definition '" + request.resource().name()
                        + "' could not be found.")).toArm());
            }
        };
    }

    /** {@code {scope}/providers/Microsoft.Authorization/policyAssignments/{name}}. */
    public static ResourceTypeHandler assignments(ResourceStore store, PolicyEngine engine, Clock clock) {
        return new AssignmentHandler(store, engine, clock);
    }

    private static final class AssignmentHandler implements ResourceTypeHandler {
        private final ResourceStore store;
        private final PolicyEngine engine;
        private final Clock clock;

        AssignmentHandler(ResourceStore store, PolicyEngine engine, Clock clock) {
            this.store = requireNonNull(store, "store is null");
            this.engine = requireNonNull(engine, "engine is null");
            this.clock = requireNonNull(clock, "clock is null");
        }

        @Override
        public ArmResponse put(ArmRequest request) {
            ResourceId id = request.resource();
            Names.checkResourceName(id.name(), id.type());
            ResourceId scope = id.parent();
            if (!scope.isSubscription() && !scope.isResourceGroup()) {
                throw new ArmException(ErrorCode.InvalidParameter, "Policy assignments can be made at subscription or "
                        + "resource group scope, not at '" + scope.id() + "'.");
            }
            if (!store.exists(scope)) {
                throw ArmException.notFound(scope);
            }
            JsonNode properties = request.bodyObject().path("properties");
            String definitionId = properties.path("policyDefinitionId").asText(null);
            if (definitionId == null) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "A policy assignment needs "
                        + "properties.policyDefinitionId.");
            }
            PolicyDefinition definition = engine.definition(definitionId).orElseThrow(() -> new ArmException(
                    ErrorCode.PolicyDefinitionNotFound, "The policy definition '" + definitionId + "' could not be "
                    + "found. Built-in definitions: " + String.join(", ", engine.definitions().stream()
                    .map(PolicyDefinition::displayName).toList()) + "."));
            JsonNode value = properties.path("parameters").path(definition.parameterName()).path("value");
            boolean wantsArray = definition.parameterType().equals("Array");
            if (value.isMissingNode() || (wantsArray ? !value.isArray() || value.isEmpty() : !value.isTextual())) {
                throw new ArmException(ErrorCode.InvalidPolicyParameters, "The policy '" + definition.displayName()
                        + "' needs the parameter '" + definition.parameterName() + "' as " + (wantsArray
                        ? "a non-empty array, e.g. {\"" + definition.parameterName() + "\":{\"value\":[\"japaneast\"]}}"
                        : "a string, e.g. {\"" + definition.parameterName() + "\":{\"value\":\"costCenter\"}}") + ".");
            }
            String enforcement = properties.path("enforcementMode").asText("Default");
            if (!enforcement.equals("Default") && !enforcement.equals("DoNotEnforce")) {
                throw new ArmException(ErrorCode.InvalidParameter, "enforcementMode must be 'Default' or 'DoNotEnforce'.");
            }
            ObjectNode document = Json.object();
            ObjectNode stored = document.putObject("properties");
            stored.put("displayName", properties.path("displayName").asText(id.name()));
            stored.put("policyDefinitionId", definition.id());
            stored.put("scope", scope.id());
            stored.set("parameters", properties.path("parameters").deepCopy());
            stored.put("enforcementMode", enforcement);
            stored.putArray("notScopes");
            stored.put("createdOn", clock.instant().toString());
            var existing = store.get(id);
            StoredResource written = existing.isPresent()
                    ? store.replace(existing.get(), null, document)
                    : store.insert(id, null, document);
            engine.invalidate();
            ObjectNode answer = written.documentCopy();
            answer.remove("etag");
            return existing.isPresent() ? ArmResponse.ok(answer) : ArmResponse.created(answer);
        }

        @Override
        public ArmResponse get(ArmRequest request) {
            StoredResource row = store.get(request.resource()).orElseThrow(() -> new ArmException(
                    ErrorCode.ResourceNotFound, "The policy assignment '" + request.resource().name()
                    + "' is not found."));
            ObjectNode document = row.documentCopy();
            document.remove("etag");
            return ArmResponse.ok(document).withHeader("ETag", row.etag());
        }

        @Override
        public ArmResponse delete(ArmRequest request) {
            var existing = store.get(request.resource());
            if (existing.isEmpty()) {
                return ArmResponse.noContent();
            }
            store.delete(request.resource());
            engine.invalidate();
            return ArmResponse.ok(existing.get().documentCopy());
        }

        /** At, above and (without {@code atScope()}) below the scope. */
        @Override
        public ArmResponse list(ArmRequest request) {
            ResourceId scope = request.resource();
            String filter = request.queryParameter("$filter");
            boolean atScope = filter != null && filter.toLowerCase(Locale.ROOT).contains("atscope()");
            List<String> chain = scope.scopeChainKeys();
            String below = scope.isRoot() ? "/" : scope.key() + "/";
            List<ObjectNode> result = new ArrayList<>();
            for (StoredResource row : store.listByType(PolicyEngine.ASSIGNMENT_TYPE)) {
                String rowScope = row.id().scope().toLowerCase(Locale.ROOT);
                if (chain.contains(rowScope) || (!atScope && rowScope.startsWith(below))) {
                    ObjectNode document = row.documentCopy();
                    document.remove("etag");
                    result.add(document);
                }
            }
            return ArmResponse.list(result);
        }
    }
}
