package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.AmliteException;
import dev.amlite.sdk.ArmClient;
import dev.amlite.sdk.CliCredential;
import dev.amlite.sdk.HttpTransport;
import dev.amlite.sdk.Profile;
import dev.amlite.sdk.ProfileStore;
import dev.amlite.sdk.TokenClient;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one CLI invocation works with: the state directory, the login, an ARM client built from it, the
 * configured defaults, and the streams to print to. Built lazily so that commands needing no login
 * (configure, --help) never touch the network.
 */
final class Session implements AutoCloseable {
    static final String RESOURCES_API = "2022-09-01";
    static final String AUTHORIZATION_API = "2022-04-01";
    static final String POLICY_API = "2023-04-01";
    static final String SUBSCRIPTION_API = "2021-10-01";

    private final GlobalOptions options;
    private final ProfileStore store;
    private final PrintStream out;
    private final PrintStream err;
    private Profile profile;
    private ArmClient arm;
    private HttpClient http;
    private CliCredential credential;

    Session(GlobalOptions options, ProfileStore store, PrintStream out, PrintStream err) {
        this.options = options;
        this.store = store;
        this.out = out;
        this.err = err;
    }

    GlobalOptions options() {
        return options;
    }

    ProfileStore store() {
        return store;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    Profile profile() {
        if (profile == null) {
            profile = store.load().orElseThrow(() -> new CliError("Please run 'amlite login' to setup account.", 1));
        }
        return profile;
    }

    void replaceProfile(Profile updated) {
        store.save(updated);
        profile = updated;
        arm = null;
    }

    HttpClient http(String caFile) {
        if (http == null) {
            http = HttpTransport.client(caFile == null ? null : Path.of(caFile));
        }
        return http;
    }

    ArmClient arm() {
        if (arm == null) {
            Profile current = profile();
            HttpClient client = http(current.caFile());
            credential = new CliCredential(store, current, new TokenClient(client, current.server()));
            arm = new ArmClient(client, current.server(), credential, options.debug ? line -> err.println("DEBUG: " + line) : null);
        }
        return arm;
    }

    /** A valid access token of the login, refreshed first when it is about to expire. */
    dev.amlite.sdk.AccessToken token() {
        arm();
        return credential.getToken();
    }

    /** The subscription of --subscription (name or id), else the default one of the login. */
    String subscriptionId() {
        Profile current = profile();
        if (options.subscription != null) {
            return current.subscriptions().stream()
                    .filter(s -> s.id().equalsIgnoreCase(options.subscription) || s.name().equalsIgnoreCase(options.subscription))
                    .findFirst().map(Profile.SubscriptionEntry::id)
                    .orElseThrow(() -> new CliError("Subscription '" + options.subscription + "' not recognized. Run "
                            + "'amlite account list --refresh' to see the subscriptions you can use.", 1));
        }
        return current.defaultSubscription().map(Profile.SubscriptionEntry::id).orElseThrow(() -> new CliError(
                "No subscription is selected. Run 'amlite account list' and 'amlite account set -s <id>'.", 1));
    }

    /** A value from 'amlite configure --defaults'. */
    Optional<String> defaultValue(String name) {
        JsonNode config = Json.parse(store.readConfig());
        JsonNode value = config.path("defaults").path(name);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    String group(String given) {
        if (given != null) {
            return given;
        }
        return defaultValue("group").orElseThrow(() -> new CliError(
                "the following arguments are required: --resource-group/-g (or set a default with "
                        + "'amlite configure --defaults group=<name>')"));
    }

    JsonNode send(String method, String path, String apiVersion, JsonNode body) {
        return arm().send(method, path, apiVersion, Map.of(), body).body();
    }

    JsonNode send(String method, String path, String apiVersion, Map<String, String> query, JsonNode body) {
        return arm().send(method, path, apiVersion, query, body).body();
    }

    /** The first {@code atMost} items of a list, fetching only the pages they are on. */
    List<JsonNode> list(String path, String apiVersion, Map<String, String> query, int atMost) {
        return arm().list(path, apiVersion, query, atMost);
    }

    /** Runs a long-running call: waits with progress on a terminal, or returns at once with --no-wait. */
    JsonNode longRunning(String method, String path, String apiVersion, JsonNode body, boolean noWait) {
        ArmClient.Response started = arm().send(method, path, apiVersion, Map.of(), body);
        if (noWait) {
            return null;
        }
        boolean terminal = System.console() != null && !options.onlyShowErrors;
        String[] frames = {"|", "/", "-", "\\"};
        int[] tick = {0};
        ArmClient.Response done = arm().waitForCompletion(started, () -> {
            if (terminal) {
                err.print("\r" + frames[tick[0]++ % frames.length] + " Running ..");
                err.flush();
            }
        });
        if (terminal) {
            err.print("\r             \r");
        }
        return done.body();
    }

    void warn(String message) {
        if (!options.onlyShowErrors) {
            err.println("WARNING: " + message);
        }
    }

    static ObjectNode object() {
        return Json.object();
    }

    static boolean isNotFound(AmliteException e) {
        return e.status() == 404;
    }

    /** Stops the HTTP client at once; every request of the command has been answered by now. */
    @Override
    public void close() {
        if (http != null) {
            http.shutdownNow();
            http = null;
        }
    }
}
