package dev.amlite.control.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.ResourceTypeHandler;
import dev.amlite.control.catalog.Region;
import dev.amlite.control.catalog.VmSize;
import dev.amlite.control.rbac.Authorizer;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.ResourceId;
import dev.amlite.store.QuotaStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quota API of {@code Microsoft.MachineLearningServices/locations/{region}} (RM-11): {@code usages} (usage
 * and limit per family, as {@code az ml compute list-usage} shows them), {@code quotas} (the limits),
 * {@code vmSizes} (the sizes with their prices, for {@code list-sizes}) and amlite's {@code quotaRequests}: anyone
 * who may write in the subscription asks; someone who may assign roles there approves or rejects.
 */
public final class QuotaHandlers {
    public static final String USAGES = "Microsoft.MachineLearningServices/locations/usages";
    public static final String QUOTAS = "Microsoft.MachineLearningServices/locations/quotas";
    public static final String VM_SIZES = "Microsoft.MachineLearningServices/locations/vmSizes";
    public static final String REQUESTS = "Microsoft.MachineLearningServices/locations/quotaRequests";
    private static final String ADMIN_ACTION = "Microsoft.Authorization/roleAssignments/write";

    private QuotaHandlers() {
    }

    private static Region region(Quotas quotas, ArmRequest request) {
        ResourceId location = request.resource().type().toLowerCase(Locale.ROOT).endsWith("/quotarequests")
                ? request.resource().parent() : request.resource();
        String name = location.name();
        return quotas.catalog().region(name).orElseThrow(() -> new ArmException(
                ErrorCode.LocationNotAvailableForResourceType, "The location '" + name + "' is not available. "
                + "Available regions: " + quotas.catalog().regionNames() + "."));
    }

    /** The families offered in a region, each once, in catalog order. */
    private static Map<String, VmSize> families(Quotas quotas, String region) {
        Map<String, VmSize> families = new LinkedHashMap<>();
        for (VmSize size : quotas.catalog().vmSizesIn(region)) {
            families.putIfAbsent(size.family(), size);
        }
        return families;
    }

    private static String display(String family) {
        String name = family.replaceFirst("^standard", "").replaceFirst("Family$", "");
        return "Standard " + name + " Family vCPUs";
    }

    public static ResourceTypeHandler usages(Quotas quotas) {
        return new ResourceTypeHandler() {
            @Override
            public ArmResponse list(ArmRequest request) {
                Region region = region(quotas, request);
                String subscription = request.resource().subscriptionId();
                List<ObjectNode> items = new ArrayList<>();
                int total = 0;
                for (VmSize size : families(quotas, region.name()).values()) {
                    int usage = quotas.usage(subscription, region.name(), size.family(), null);
                    total += usage;
                    ObjectNode item = Json.object();
                    item.put("id", "/subscriptions/" + subscription + "/providers/Microsoft.MachineLearningServices/"
                            + "locations/" + region.name() + "/usages/" + size.family());
                    item.put("amlWorkspaceLocation", region.name());
                    item.put("type", "Microsoft.MachineLearningServices/vmFamily/usages");
                    item.put("unit", "Count");
                    item.put("currentValue", usage);
                    item.put("limit", quotas.limit(subscription, region.name(), size));
                    item.putObject("name").put("value", size.family()).put("localizedValue", display(size.family()));
                    items.add(item);
                }
                ObjectNode sum = Json.object();
                sum.put("id", "/subscriptions/" + subscription + "/providers/Microsoft.MachineLearningServices/"
                        + "locations/" + region.name() + "/usages/totalCores");
                sum.put("amlWorkspaceLocation", region.name());
                sum.put("type", "Microsoft.MachineLearningServices/totalCores/usages");
                sum.put("unit", "Count");
                sum.put("currentValue", total);
                sum.put("limit", families(quotas, region.name()).values().stream()
                        .mapToInt(size -> quotas.limit(subscription, region.name(), size)).sum());
                sum.putObject("name").put("value", "Total Cluster Dedicated Regional vCPUs")
                        .put("localizedValue", "Total Cluster Dedicated Regional vCPUs");
                items.addFirst(sum);
                return ArmResponse.list(items);
            }
        };
    }

    public static ResourceTypeHandler limits(Quotas quotas) {
        return new ResourceTypeHandler() {
            @Override
            public ArmResponse list(ArmRequest request) {
                Region region = region(quotas, request);
                String subscription = request.resource().subscriptionId();
                List<ObjectNode> items = new ArrayList<>();
                for (VmSize size : families(quotas, region.name()).values()) {
                    ObjectNode item = Json.object();
                    item.put("id", "/subscriptions/" + subscription + "/providers/Microsoft.MachineLearningServices/"
                            + "locations/" + region.name() + "/quotas/" + size.family());
                    item.put("type", "Microsoft.MachineLearningServices/vmFamily");
                    item.put("unit", "Count");
                    item.put("limit", quotas.limit(subscription, region.name(), size));
                    item.putObject("name").put("value", size.family()).put("localizedValue", display(size.family()));
                    items.add(item);
                }
                return ArmResponse.list(items);
            }
        };
    }

    public static ResourceTypeHandler vmSizes(Quotas quotas) {
        return new ResourceTypeHandler() {
            @Override
            public ArmResponse list(ArmRequest request) {
                Region region = region(quotas, request);
                List<ObjectNode> items = new ArrayList<>();
                for (VmSize size : quotas.catalog().vmSizesIn(region.name())) {
                    ObjectNode item = Json.object();
                    item.put("name", size.name());
                    item.put("family", size.family());
                    item.put("vCPUs", size.vCpus());
                    item.put("gpus", size.gpus());
                    item.put("memoryGB", size.memoryGb());
                    item.put("lowPriorityCapable", true);
                    item.put("premiumIO", size.name().contains("s_") || size.name().startsWith("Standard_DS"));
                    item.putArray("supportedComputeTypes").add("AmlCompute").add("ComputeInstance");
                    ObjectNode prices = item.putObject("estimatedVMPrices");
                    prices.put("billingCurrency", "USD").put("unitOfMeasure", "OneHour");
                    prices.putArray("values").addObject()
                            .put("retailPrice", Math.round(size.usdPerHourEastUs() * region.priceFactor() * 1000) / 1000.0)
                            .put("osType", "Linux").put("vmTier", "Standard");
                    items.add(item);
                }
                ObjectNode answer = Json.object();
                answer.set("value", Json.MAPPER.valueToTree(items));
                return ArmResponse.ok(answer);
            }
        };
    }

    public static ResourceTypeHandler requests(Quotas quotas, Authorizer authorizer) {
        return new ResourceTypeHandler() {
            @Override
            public ArmResponse list(ArmRequest request) {
                Region region = region(quotas, request);
                String subscription = request.resource().subscriptionId();
                return ArmResponse.list(quotas.store().requests(subscription).stream()
                        .filter(r -> r.region().equalsIgnoreCase(region.name()))
                        .map(r -> present(r, request)).toList());
            }

            @Override
            public ArmResponse get(ArmRequest request) {
                region(quotas, request);
                return ArmResponse.ok(present(existing(request), request));
            }

            @Override
            public ArmResponse put(ArmRequest request) {
                Region region = region(quotas, request);
                ResourceId id = request.resource();
                if (!id.name().matches("[A-Za-z0-9-]{1,64}")) {
                    throw new ArmException(ErrorCode.InvalidResourceName, "A quota request's name is 1 to 64 letters, "
                            + "digits or hyphens; got '" + id.name() + "'.");
                }
                if (quotas.store().request(id.subscriptionId(), id.name()).isPresent()) {
                    throw new ArmException(ErrorCode.Conflict, "Quota request '" + id.name() + "' exists already; "
                            + "requests are not changed once made. Make a new one.");
                }
                ObjectNode properties = request.bodyObject().path("properties").isObject()
                        ? (ObjectNode) request.bodyObject().get("properties") : Json.object();
                String family = properties.path("family").asText("");
                VmSize size = quotas.catalog().vmSizesIn(region.name()).stream()
                        .filter(s -> s.family().equalsIgnoreCase(family)).findFirst()
                        .orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter, "properties.family '" + family
                                + "' is not a VM family offered in " + region.name() + "; offered: "
                                + families(quotas, region.name()).keySet() + "."));
                if (!properties.path("limit").canConvertToInt() || !properties.path("limit").isIntegralNumber()
                        || properties.path("limit").asInt() < 0 || properties.path("limit").asInt() > 100_000) {
                    throw new ArmException(ErrorCode.InvalidParameter, "properties.limit must be a whole number of "
                            + "vCPUs between 0 and 100000; got '" + properties.path("limit").asText() + "'.");
                }
                String justification = properties.path("justification").asText(null);
                if (justification != null && justification.length() > 2000) {
                    throw new ArmException(ErrorCode.InvalidParameter, "properties.justification is limited to 2000 "
                            + "characters.");
                }
                QuotaStore.QuotaRequest made = quotas.store().createRequest(id.name(), id.subscriptionId(),
                        region.name(), size.family(), properties.path("limit").asInt(), justification,
                        request.caller().signInName() != null ? request.caller().signInName() : request.caller().objectId());
                return ArmResponse.created(present(made, request));
            }

            @Override
            public ArmResponse action(ArmRequest request, String action) {
                String lower = action.toLowerCase(Locale.ROOT);
                if (!lower.equals("approve") && !lower.equals("reject")) {
                    throw new ArmException(ErrorCode.NotFound, "The action '" + action + "' is not defined on quota "
                            + "requests; they offer approve and reject.");
                }
                ResourceId subscription = ResourceId.subscription(request.resource().subscriptionId());
                if (!authorizer.allows(request.caller().objectId(), ADMIN_ACTION, subscription)) {
                    throw new ArmException(ErrorCode.AuthorizationFailed, "The client '" + request.caller().objectId()
                            + "' may not " + lower + " quota requests: that needs an administrator of subscription '"
                            + subscription.subscriptionId() + "' (the '" + ADMIN_ACTION + "' permission, as Owner "
                            + "or User Access Administrator have).");
                }
                QuotaStore.QuotaRequest current = existing(request);
                String decidedBy = request.caller().signInName() != null ? request.caller().signInName()
                        : request.caller().objectId();
                if (!quotas.store().decide(subscription.subscriptionId(), current.id(), lower.equals("approve"), decidedBy)) {
                    throw new ArmException(ErrorCode.Conflict, "Quota request '" + current.id() + "' was "
                            + current.status().toLowerCase(Locale.ROOT) + " already.");
                }
                return ArmResponse.ok(present(quotas.store().request(subscription.subscriptionId(), current.id())
                        .orElseThrow(), request));
            }

            private QuotaStore.QuotaRequest existing(ArmRequest request) {
                ResourceId id = request.resource();
                return quotas.store().request(id.subscriptionId(), id.name()).orElseThrow(() -> new ArmException(
                        ErrorCode.ResourceNotFound, "Quota request '" + id.name() + "' was not found in subscription '"
                        + id.subscriptionId() + "'."));
            }
        };
    }

    static ObjectNode present(QuotaStore.QuotaRequest request, ArmRequest arm) {
        ObjectNode node = Json.object();
        String subscription = arm.resource().subscriptionId();
        node.put("id", "/subscriptions/" + subscription + "/providers/Microsoft.MachineLearningServices/locations/"
                + request.region() + "/quotaRequests/" + request.id());
        node.put("name", request.id());
        node.put("type", REQUESTS);
        ObjectNode properties = node.putObject("properties");
        properties.put("family", request.family()).put("limit", request.requestedLimit())
                .put("status", request.status()).put("requestedBy", request.requestedBy())
                .put("createdOn", request.createdAt().toString());
        if (request.justification() != null) {
            properties.put("justification", request.justification());
        }
        if (request.decidedBy() != null) {
            properties.put("decidedBy", request.decidedBy()).put("decidedOn", request.decidedAt().toString());
        }
        return node;
    }
}
