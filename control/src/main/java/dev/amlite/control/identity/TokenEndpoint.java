package dev.amlite.control.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.arm.HttpSupport;
import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static java.util.Objects.requireNonNull;

/**
 * The OAuth 2.0 token endpoint at Azure AD's paths ({@code /{tenant}/oauth2/v2.0/token} and the v1
 * {@code /{tenant}/oauth2/token}): client credentials, password and refresh-token grants. Answers and errors
 * are in OAuth's shape, so MSAL-style clients understand them. Also serves the signing keys (JWKS).
 */
public final class TokenEndpoint implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final long MAX_FORM_BYTES = 64 * 1024;
    private static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private final Directory directory;
    private final TokenService tokens;
    private final Clock clock;
    private final SignInLockout lockout;
    private final TrustedProxies proxies;

    public TokenEndpoint(Directory directory, TokenService tokens, Clock clock, SignInLockout lockout,
                         TrustedProxies proxies) {
        this.directory = requireNonNull(directory, "directory is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.lockout = requireNonNull(lockout, "lockout is null");
        this.proxies = requireNonNull(proxies, "proxies is null");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{tenant}/oauth2/v2.0/token", this::token)
                .post("/{tenant}/oauth2/token", this::token)
                .get("/{tenant}/discovery/v2.0/keys", this::keys)
                .get("/{tenant}/discovery/keys", this::keys);
    }

    private void token(ServerRequest request, ServerResponse response) {
        String tenant = request.path().pathParameters().get("tenant");
        try {
            Map<String, String> form = parseForm(HttpSupport.readText(request, MAX_FORM_BYTES));
            String grant = form.getOrDefault("grant_type", "");
            IssuedToken issued = switch (grant) {
                case "client_credentials" -> guarded(form.get("client_id"), request, () ->
                        directory.clientCredentialsGrant(tenant, form.get("client_id"), form.get("client_secret")));
                case "password" -> guarded(form.get("username"), request, () ->
                        directory.passwordGrant(tenant, form.get("username"), form.get("password")));
                case "refresh_token" -> directory.refreshGrant(form.get("refresh_token"));
                default -> throw new OAuthException("unsupported_grant_type", "AADSTS70003: The grant type '" + grant
                        + "' is not supported. Use client_credentials, password or refresh_token.", 400);
            };
            long expiresIn = Math.max(0, issued.expiresAt().getEpochSecond() - clock.instant().getEpochSecond());
            ObjectNode body = Json.object();
            body.put("token_type", "Bearer");
            body.put("scope", form.getOrDefault("scope", TokenService.AUDIENCE + ".default"));
            body.put("expires_in", expiresIn);
            body.put("ext_expires_in", expiresIn);
            body.put("expires_on", issued.expiresAt().getEpochSecond());
            body.put("resource", form.getOrDefault("resource", TokenService.AUDIENCE));
            body.put("access_token", issued.accessToken());
            if (!grant.equals("client_credentials")) {
                body.put("refresh_token", issued.refreshToken());
            }
            HttpSupport.sendJson(response, 200, body);
        } catch (OAuthException e) {
            LOG.info("Token request for tenant {} refused: {}", tenant, e.error());
            ObjectNode body = Json.object();
            body.put("error", e.error());
            body.put("error_description", e.getMessage());
            body.put("timestamp", clock.instant().toString());
            HttpSupport.sendJson(response, e.httpStatus(), body);
        } catch (ArmException e) {
            ObjectNode body = Json.object();
            body.put("error", "invalid_request");
            body.put("error_description", e.getMessage());
            HttpSupport.sendJson(response, e.httpStatus() >= 500 ? 500 : 400, body);
        }
    }

    /** A grant that checks a secret, behind the lockout: wrong secrets count, a right one clears the count. */
    private IssuedToken guarded(String name, ServerRequest request, Supplier<IssuedToken> grant) {
        if (name == null) {
            return grant.get();  // the grant answers which parameter is missing
        }
        String address = proxies.client(HttpSupport.clientAddress(request), request.headers().contains(FORWARDED_FOR)
                ? request.headers().get(FORWARDED_FOR).allValues() : List.of());
        lockout.check(name, address);
        try {
            IssuedToken issued = grant.get();
            lockout.succeeded(name, address);
            return issued;
        } catch (OAuthException e) {
            if (!e.error().equals("invalid_request")) {
                lockout.failed(name, address);
            }
            throw e;
        }
    }

    private void keys(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(tokens.jwks());
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        if (body == null) {
            return form;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            form.put(name, value);
        }
        return form;
    }
}
