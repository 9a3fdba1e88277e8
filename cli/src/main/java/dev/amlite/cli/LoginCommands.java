package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import dev.amlite.sdk.ArmClient;
import dev.amlite.sdk.Profile;
import dev.amlite.sdk.TokenClient;
import java.io.Console;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite login} and {@code amlite logout} (RM-8). */
final class LoginCommands {
    private LoginCommands() {
    }

    @Command(name = "login", description = "Log in to an amlite server as a user or service principal.")
    static final class Login extends Leaf {
        @Option(names = "--server", description = "Server URL (default: the last one, or https://localhost:8443).")
        String server;

        @Option(names = {"-u", "--username"}, description = "User name, or the app id with --service-principal.")
        String username;

        @Option(names = {"-p", "--password"}, description = "Password, or the client secret with --service-principal. "
                + "Prompted for when omitted on a terminal.")
        String password;

        @Option(names = "--service-principal", description = "Log in as a service principal.")
        boolean servicePrincipal;

        @Option(names = {"-t", "--tenant"}, description = "Tenant id (required with --service-principal).")
        String tenant;

        @Option(names = "--ca-file", description = "PEM certificate to trust for the server (e.g. its self-signed one).")
        Path caFile;

        @Option(names = "--data-dir", description = "Data directory of a local server, whose certificate to trust.")
        Path dataDirectory;

        @Option(names = "--allow-no-subscriptions", description = "Log in even when no subscription is visible.")
        boolean allowNoSubscriptions;

        @Override
        JsonNode run(Session session) {
            String url = server != null ? server : session.store().load().map(Profile::server).orElse("https://localhost:8443");
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new CliError("--server '" + url + "' is not a URL, e.g. https://localhost:8443");
            }
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new CliError("--server '" + url + "' is not a URL, e.g. https://localhost:8443");
            }
            String ca = trustedCertificate(session, uri);
            if (username == null) {
                throw new CliError("the following arguments are required: --username/-u");
            }
            if (password == null) {
                Console console = System.console();
                if (console == null) {
                    throw new CliError("the following arguments are required: --password/-p (no terminal to prompt on)");
                }
                char[] typed = console.readPassword("Password: ");
                password = typed == null ? "" : new String(typed);
            }
            if (servicePrincipal && tenant == null) {
                throw new CliError("usage error: --service-principal needs --tenant TENANT_ID");
            }
            HttpClient http = session.http(ca);
            TokenClient tokens = new TokenClient(http, url);
            TokenClient.Tokens issued = servicePrincipal
                    ? tokens.clientCredentials(tenant, username, password)
                    : tokens.password(tenant, username, password);
            String tenantId = claim(issued.access().token(), "tid");
            Profile profile = new Profile(url, ca, tenantId, username, servicePrincipal ? "servicePrincipal" : "user",
                    issued.access().token(), issued.access().expiresAt().getEpochSecond(), issued.refreshToken(),
                    servicePrincipal ? password : null, List.of());
            ArmClient arm = new ArmClient(http, url, () -> issued.access(), null);
            List<Profile.SubscriptionEntry> subscriptions = fetchSubscriptions(arm, session.store().load()
                    .flatMap(Profile::defaultSubscription).map(Profile.SubscriptionEntry::id).orElse(null));
            if (subscriptions.isEmpty() && !allowNoSubscriptions) {
                session.warn("No subscriptions found for " + username + ". Ask an admin for a role on a subscription, "
                        + "or log in with --allow-no-subscriptions.");
            }
            session.replaceProfile(profile.withSubscriptions(subscriptions));
            return AccountCommands.present(session.profile(), session.profile().subscriptions());
        }

        /** --ca-file, else the certificate of a local data directory when the server is on this machine. */
        private String trustedCertificate(Session session, URI uri) {
            if (!"https".equalsIgnoreCase(uri.getScheme())) {
                return null;
            }
            Path candidate = caFile;
            if (candidate == null) {
                boolean local = uri.getHost().equals("localhost") || uri.getHost().startsWith("127.") || uri.getHost().equals("[::1]");
                Path directory = dataDirectory != null ? dataDirectory
                        : System.getenv("AMLITE_DATA_DIR") != null ? Path.of(System.getenv("AMLITE_DATA_DIR"))
                        : Path.of(System.getProperty("user.home"), ".amlite", "data");
                Path localCertificate = directory.resolve("tls").resolve("server.crt");
                if ((local || dataDirectory != null) && Files.exists(localCertificate)) {
                    candidate = localCertificate;
                }
            }
            if (candidate == null) {
                return null;
            }
            if (!Files.isReadable(candidate)) {
                throw new CliError("--ca-file '" + candidate + "' cannot be read.");
            }
            return session.store().keepCaFile(candidate, uri.getHost().replaceAll("[^A-Za-z0-9.-]", "_") + "-"
                    + (uri.getPort() < 0 ? 443 : uri.getPort())).toString();
        }
    }

    static List<Profile.SubscriptionEntry> fetchSubscriptions(ArmClient arm, String preferredDefault) {
        JsonNode list = arm.get("/subscriptions", Session.RESOURCES_API).path("value");
        List<Profile.SubscriptionEntry> entries = new ArrayList<>();
        boolean preferredSeen = false;
        for (JsonNode subscription : list) {
            preferredSeen |= subscription.path("subscriptionId").asText().equalsIgnoreCase(String.valueOf(preferredDefault));
        }
        for (JsonNode subscription : list) {
            String id = subscription.path("subscriptionId").asText();
            boolean isDefault = preferredSeen ? id.equalsIgnoreCase(preferredDefault) : entries.isEmpty();
            entries.add(new Profile.SubscriptionEntry(id, subscription.path("displayName").asText(),
                    subscription.path("state").asText(), subscription.path("tenantId").asText(), isDefault));
        }
        return entries;
    }

    /** Reads a claim from a JWT's payload; the server already verified the token, we only display it. */
    static String claim(String jwt, String name) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        JsonNode payload = Json.parse(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                java.nio.charset.StandardCharsets.UTF_8));
        return payload.path(name).asText(null);
    }

    @Command(name = "logout", description = "Forget the login of this machine.")
    static final class Logout extends Leaf {
        @Override
        JsonNode run(Session session) {
            session.store().clear();
            return null;
        }
    }
}
