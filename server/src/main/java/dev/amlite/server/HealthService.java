package dev.amlite.server;

import dev.amlite.control.RootAccess;
import dev.amlite.core.ArmException;
import dev.amlite.core.Json;
import dev.amlite.store.Database;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import static java.util.Objects.requireNonNull;

/**
 * {@code /healthz} (the process serves), {@code /readyz} (started and the store answers) — open, they say nothing
 * about anyone's resources — and {@code /metrics}, which names every endpoint and deployment and so needs a token
 * allowed to read at the root scope ({@link RootAccess}).
 */
final class HealthService implements HttpService {
    private final Database database;
    private final PrometheusMeterRegistry meters;
    private final BooleanSupplier started;
    private final RootAccess access;

    HealthService(Database database, PrometheusMeterRegistry meters, BooleanSupplier started, RootAccess access) {
        this.database = requireNonNull(database, "database is null");
        this.meters = requireNonNull(meters, "meters is null");
        this.started = requireNonNull(started, "started is null");
        this.access = requireNonNull(access, "access is null");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/healthz", this::health)
                .get("/readyz", this::ready)
                .get("/metrics", this::metrics);
    }

    private void health(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send("{\"status\":\"UP\"}");
    }

    private void ready(ServerRequest request, ServerResponse response) {
        boolean storeUp = database.isReachable();
        boolean ready = started.getAsBoolean() && storeUp;
        response.status(ready ? 200 : 503);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send("{\"status\":\"" + (ready ? "READY" : "NOT_READY") + "\",\"store\":\"" + (storeUp ? "UP" : "DOWN")
                + "\",\"started\":" + started.getAsBoolean() + "}");
    }

    private void metrics(ServerRequest request, ServerResponse response) {
        try {
            access.checkMetrics(request.headers().first(HeaderNames.AUTHORIZATION));
        } catch (ArmException e) {
            refuse(response, e);
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.send(meters.scrape());
    }

    /** A 401 or 403 in ARM's error envelope, with the challenge a 401 carries. */
    static void refuse(ServerResponse response, ArmException e) {
        response.status(e.httpStatus());
        if (e.httpStatus() == 401) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(Json.write(Json.object().set("error", Json.object().put("code", e.code().name())
                .put("message", e.getMessage()))));
    }
}
