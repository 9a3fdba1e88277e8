package dev.amlite.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A request path of the ARM front door, split into the deepest resource it names and what follows it: a
 * collection ({@code …/resourceGroups}, {@code …/providers/NS/workspaces}, {@code …/onlineEndpoints}) or an
 * action ({@code …/listKeys}). {@code providerNamespace} is set when the path names a namespace without a
 * resource after it ({@code …/providers/Microsoft.Storage}, {@code …/providers/NS/register}).
 */
public record ArmPath(ResourceId resource, String providerNamespace, String trailing) {

    /** The full type of the collection this path lists, or null when it does not end in one. */
    public String collectionType() {
        if (trailing == null) {
            return null;
        }
        if (providerNamespace != null) {
            return providerNamespace + "/" + trailing;
        }
        return resource.type() + "/" + trailing;
    }

    public static ArmPath parse(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                segments.add(part);
            }
        }
        int count = segments.size();
        ResourceId current = ResourceId.ROOT;
        int index = 0;
        if (count == 0) {
            return new ArmPath(current, null, null);
        }
        String first = segments.getFirst();
        if (first.equalsIgnoreCase("tenants")) {
            if (count == 1) {
                return new ArmPath(current, null, "tenants");
            }
            current = ResourceId.tenant(segments.get(1));
            index = 2;
        } else if (first.equalsIgnoreCase("subscriptions")) {
            if (count == 1) {
                return new ArmPath(current, null, "subscriptions");
            }
            current = ResourceId.subscription(segments.get(1));
            index = 2;
            if (index < count && segments.get(index).equalsIgnoreCase("resourceGroups")) {
                if (index + 1 == count) {
                    return new ArmPath(current, null, "resourceGroups");
                }
                current = ResourceId.resourceGroup(current.subscriptionId(), segments.get(index + 1));
                index += 2;
            }
        }
        while (index < count) {
            String segment = segments.get(index);
            if (segment.equalsIgnoreCase("providers")) {
                if (index + 1 == count) {
                    return new ArmPath(current, null, "providers");
                }
                String namespace = segments.get(index + 1);
                index += 2;
                if (index == count) {
                    return new ArmPath(current, namespace, null);
                }
                if (index + 1 == count) {
                    return new ArmPath(current, namespace, segments.get(index));
                }
                current = current.provider(namespace, segments.get(index), segments.get(index + 1));
                index += 2;
                while (index < count && !segments.get(index).equalsIgnoreCase("providers")) {
                    if (index + 1 == count) {
                        return new ArmPath(current, null, segments.get(index));
                    }
                    current = current.child(segments.get(index), segments.get(index + 1));
                    index += 2;
                }
            } else if (index + 1 == count) {
                return new ArmPath(current, null, segment);
            } else {
                throw new ArmException(ErrorCode.InvalidRequestFormat,
                        "The request path '" + rawPath + "' is not a valid resource path: '" + segment
                                + "' was not expected here. Paths look like /subscriptions/{id}/resourceGroups/{group}"
                                + "/providers/{namespace}/{type}/{name}.");
            }
        }
        return new ArmPath(current, null, null);
    }
}
