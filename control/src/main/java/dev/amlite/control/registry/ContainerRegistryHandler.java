package dev.amlite.control.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.ArmRequest;
import dev.amlite.control.arm.ArmResponse;
import dev.amlite.control.arm.Documents;
import dev.amlite.control.resources.ResourceSecrets;
import dev.amlite.control.resources.TrackedResources;
import dev.amlite.control.resources.TrackedTypeHandler;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import dev.amlite.core.Names;
import dev.amlite.core.ResourceId;
import dev.amlite.store.StoredResource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import static java.util.Objects.requireNonNull;

/**
 * {@code Microsoft.ContainerRegistry/registries}: sku, the admin user, and its two passwords (listCredentials,
 * regenerateCredential), which exist only while the admin user is enabled. A workspace needs the admin user to
 * use a registry it did not create (seed 001).
 */
public final class ContainerRegistryHandler implements TrackedTypeHandler {
    public static final String TYPE = "Microsoft.ContainerRegistry/registries";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{5,50}");
    private static final List<String> SKUS = List.of("Basic", "Standard", "Premium");
    private static final List<String> PASSWORDS = List.of("password", "password2");
    private final TrackedResources tracked;
    private final ResourceSecrets secrets;

    public ContainerRegistryHandler(TrackedResources tracked, ResourceSecrets secrets) {
        this.tracked = requireNonNull(tracked, "tracked is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    @Override
    public TrackedResources tracked() {
        return tracked;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ArmResponse put(ArmRequest request) {
        ResourceId id = request.resource();
        if (!NAME.matcher(id.name()).matches()) {
            throw new ArmException(ErrorCode.InvalidRegistryName, "Registry name '" + id.name() + "' is invalid: it "
                    + "must be 5 to 50 ASCII letters and digits." + Names.nonAsciiHint(id.name()));
        }
        ObjectNode body = request.bodyObject();
        TrackedResources.Placement placement = tracked.place(request, id, body);
        tracked.otherHolderOfName(id).ifPresent(other -> {
            throw new ArmException(ErrorCode.AlreadyInUse, "The registry DNS name " + id.name().toLowerCase(Locale.ROOT)
                    + ".azurecr.io is already in use. You can check if the name is already claimed using 'amlite acr "
                    + "check-name'. Pick another name.");
        });
        String sku = SKUS.stream().filter(s -> s.equalsIgnoreCase(body.path("sku").path("name").asText("Basic")))
                .findFirst().orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter, "sku.name must be one of "
                        + String.join(", ", SKUS) + "; '" + body.path("sku").path("name").asText() + "' was given."));
        ObjectNode requested = Documents.properties(body);
        boolean admin = requested.path("adminUserEnabled").asBoolean(
                placement.current().map(c -> c.document().path("properties").path("adminUserEnabled").asBoolean()).orElse(false));
        ObjectNode document = Json.object();
        document.set("tags", placement.tags());
        document.putObject("sku").put("name", sku).put("tier", sku);
        ObjectNode properties = document.putObject("properties");
        properties.put("loginServer", id.name().toLowerCase(Locale.ROOT) + ".azurecr.io");
        properties.put("creationDate", placement.current()
                .map(c -> c.document().path("properties").path("creationDate").asText())
                .orElse(tracked.clock().instant().toString()));
        properties.put("provisioningState", "Succeeded");
        properties.put("adminUserEnabled", admin);
        properties.put("publicNetworkAccess", requested.path("publicNetworkAccess").asText("Enabled"));
        StoredResource saved = tracked.write(request.caller(), placement, document);
        adminChanged(saved.id(), admin);
        return placement.current().isEmpty() ? ArmResponse.created(saved.documentCopy()) : ArmResponse.ok(saved.documentCopy());
    }

    @Override
    public ArmResponse patch(ArmRequest request) {
        StoredResource current = tracked.changing(request);
        ObjectNode body = request.bodyObject();
        ObjectNode document = current.documentCopy();
        if (body.has("tags")) {
            document.set("tags", Documents.tags(body.get("tags")));
        }
        if (body.path("properties").has("adminUserEnabled")) {
            ((ObjectNode) document.path("properties")).put("adminUserEnabled",
                    body.path("properties").path("adminUserEnabled").asBoolean());
        }
        StoredResource saved = tracked.update(request.caller(), current, document);
        adminChanged(saved.id(), saved.document().path("properties").path("adminUserEnabled").asBoolean());
        return ArmResponse.ok(saved.documentCopy());
    }

    @Override
    public ArmResponse action(ArmRequest request, String action) {
        StoredResource registry = tracked.existing(request.resource());
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "listcredentials" -> ArmResponse.ok(credentials(registry));
            case "regeneratecredential" -> {
                String name = request.bodyObject().path("name").asText("");
                if (!PASSWORDS.contains(name)) {
                    throw new ArmException(ErrorCode.InvalidParameter, "name must be 'password' or 'password2'; '"
                            + name + "' was given.");
                }
                requireAdmin(registry);
                secrets.put(registry.id(), name, secrets.newPassword(32));
                yield ArmResponse.ok(credentials(registry));
            }
            default -> TrackedTypeHandler.super.action(request, action);
        };
    }

    /** The registry's admin user name and first password, when the admin user is enabled. */
    public Optional<String[]> adminCredential(ResourceId registryId) {
        return tracked.store().get(registryId)
                .filter(r -> r.document().path("properties").path("adminUserEnabled").asBoolean())
                .flatMap(r -> secrets.get(r.id(), "password").map(p -> new String[] {r.id().name(), p}));
    }

    private ObjectNode credentials(StoredResource registry) {
        requireAdmin(registry);
        ObjectNode result = Json.object();
        result.put("username", registry.id().name());
        ArrayNode passwords = result.putArray("passwords");
        for (String name : PASSWORDS) {
            passwords.addObject().put("name", name).put("value", secrets.require(registry.id(), name));
        }
        return result;
    }

    private static void requireAdmin(StoredResource registry) {
        if (!registry.document().path("properties").path("adminUserEnabled").asBoolean()) {
            throw new ArmException(ErrorCode.ContainerRegistryAdminUserDisabled, "Cannot perform credential operations "
                    + "for " + registry.id().id() + " as admin user is disabled. Enable it with 'amlite acr update -n "
                    + registry.id().name() + " --admin-enabled true'.");
        }
    }

    /** Passwords exist while the admin user is enabled; disabling it drops them, as Azure does. */
    private void adminChanged(ResourceId id, boolean enabled) {
        for (String name : PASSWORDS) {
            if (enabled && secrets.get(id, name).isEmpty()) {
                secrets.putIfAbsent(id, name, secrets.newPassword(32));
            } else if (!enabled) {
                secrets.delete(id, name);
            }
        }
    }
}
