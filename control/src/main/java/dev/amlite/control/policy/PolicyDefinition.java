package dev.amlite.control.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.List;

/**
 * A built-in policy definition (RM-10), with Azure's GUID and display name and the one parameter it takes.
 * Like Azure's, the "Indexed" definitions skip resource groups; the "…for resource groups" ones apply only to them.
 */
public record PolicyDefinition(String name, String displayName, String description, PolicyRule rule,
                               String parameterName, String parameterType) {

    public static List<PolicyDefinition> builtIns() {
        return List.of(
                new PolicyDefinition("e56962a6-4747-49cd-b67b-bf8b01975c4c", "Allowed locations",
                        "This policy enables you to restrict the locations your organization can specify when deploying "
                                + "resources. Excludes resource groups and resources in the 'global' region.",
                        PolicyRule.ALLOWED_LOCATIONS, "listOfAllowedLocations", "Array"),
                new PolicyDefinition("e765b5de-1225-4ba3-bd56-1ac6695af988", "Allowed locations for resource groups",
                        "This policy enables you to restrict the locations your organization can create resource groups in.",
                        PolicyRule.ALLOWED_LOCATIONS_FOR_GROUPS, "listOfAllowedLocations", "Array"),
                new PolicyDefinition("6c112d4e-5bc7-47ae-a041-ea2d9dccd749", "Not allowed resource types",
                        "Restrict which resource types can be deployed in your environment.",
                        PolicyRule.NOT_ALLOWED_RESOURCE_TYPES, "listOfResourceTypesNotAllowed", "Array"),
                new PolicyDefinition("871b6d14-10aa-478d-b590-94f262ecfa99", "Require a tag on resources",
                        "Enforces existence of a tag. Does not apply to resource groups.",
                        PolicyRule.REQUIRE_TAG, "tagName", "String"),
                new PolicyDefinition("96670d01-0a4d-4649-9c89-2d3abc0a5025", "Require a tag on resource groups",
                        "Enforces existence of a tag on resource groups.",
                        PolicyRule.REQUIRE_TAG_ON_GROUPS, "tagName", "String"));
    }

    public String id() {
        return "/providers/Microsoft.Authorization/policyDefinitions/" + name;
    }

    public ObjectNode toArm() {
        ObjectNode node = Json.object();
        node.put("id", id());
        node.put("name", name);
        node.put("type", "Microsoft.Authorization/policyDefinitions");
        ObjectNode properties = node.putObject("properties");
        properties.put("displayName", displayName);
        properties.put("policyType", "BuiltIn");
        properties.put("mode", rule == PolicyRule.NOT_ALLOWED_RESOURCE_TYPES
                || rule == PolicyRule.ALLOWED_LOCATIONS_FOR_GROUPS || rule == PolicyRule.REQUIRE_TAG_ON_GROUPS
                ? "All" : "Indexed");
        properties.put("description", description);
        ObjectNode parameter = properties.putObject("parameters").putObject(parameterName);
        parameter.put("type", parameterType);
        parameter.putObject("metadata").put("displayName", parameterName);
        return node;
    }
}
