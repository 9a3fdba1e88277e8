package dev.amlite.server;

import dev.amlite.control.ControlConfig;
import dev.amlite.control.operations.CrashPoints;
import dev.amlite.control.endpoints.ServingConfig;
import dev.amlite.studio.StudioService;
import dev.amlite.control.ControlPlane;
import dev.amlite.control.jobs.JobsConfig;
import dev.amlite.control.replicas.Replicas;
import dev.amlite.control.throttle.ThrottleLimits;
import dev.amlite.serving.port.EventLoops;
import dev.amlite.serving.port.ScoringPort;
import dev.amlite.serving.listener.ListenerSettings;
import dev.amlite.store.Database;
import dev.amlite.store.DatabaseConfig;
import dev.amlite.store.StoreVendor;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running amlite: store, control plane and web server, started and stopped together. Tests start it
 * in-process on port 0 with a temporary data directory; {@link Main} starts it from the command line.
 */
public final class AmliteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AmliteServer.class);
    // Blob uploads stream up to Azure's Put Blob limit; management bodies have their own, much smaller bound.
    private static final long MAX_PAYLOAD = 5000L * 1024 * 1024;
    private static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

    private final Database database;
    private final ControlPlane controlPlane;
    private final WebServer webServer;
    private final ScoringPort inference;
    private final EventLoops loops;
    private final ControlPlane.Bootstrap bootstrap;
    private final boolean tls;
    private final String host;
    private final Path certificate;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private AmliteServer(Database database, ControlPlane controlPlane, WebServer webServer, ScoringPort inference,
                         EventLoops loops, ControlPlane.Bootstrap bootstrap, boolean tls, String host,
                         Path certificate) {
        this.database = database;
        this.controlPlane = controlPlane;
        this.webServer = webServer;
        this.inference = inference;
        this.loops = loops;
        this.bootstrap = bootstrap;
        this.tls = tls;
        this.host = host;
        this.certificate = certificate;
    }

    /** Where the files of amlite-held storage accounts live: what a backup with files takes and a restore fills. */
    static Path blobFolder(Path dataDirectory) {
        return dataDirectory.resolve("blobs");
    }

    public static AmliteServer start(ServerOptions options) throws IOException, GeneralSecurityException {
        FreePorts.check(options.host(), options.port(), "--port", "--port");
        if (options.inferencePort() != ServerOptions.NO_INFERENCE_PORT) {
            FreePorts.check(options.host(), options.inferencePort(), "--inference-port",
                    "--inference-port, by default --port + 1");
        }
        Path dataDirectory = options.dataDirectory().toAbsolutePath();
        Files.createDirectories(dataDirectory);
        byte[] masterKey = masterKey(options.masterKeyFile().orElse(dataDirectory.resolve("secrets").resolve("master.key")));
        String databaseUrl = options.databaseUrl().orElse(StoreVendor.embeddedH2Url(dataDirectory));
        String databasePassword = options.databasePasswordFile().isPresent()
                ? Files.readString(options.databasePasswordFile().get()).strip() : null;
        Database database = Database.open(new DatabaseConfig(databaseUrl, options.databaseUser().orElse(null),
                databasePassword, 16));
        ControlPlane controlPlane = null;
        ScoringPort inference = null;
        // Scoring traffic's threads: the scoring port's connections and the router's connections to the instances.
        EventLoops loops = EventLoops.perCore(options.scoringIo());
        LOG.info("Scoring traffic on {} event loops", loops.transport().label());
        try {
            Path certificate = null;
            SSLContext tlsContext = null;
            if (!options.plainHttp()) {
                Path[] pair = options.tlsCertificate().isPresent()
                        ? new Path[] {options.tlsCertificate().get(), options.tlsKey().orElseThrow()}
                        : TlsMaterial.ensureSelfSigned(dataDirectory.resolve("tls"));
                certificate = pair[0];
                tlsContext = TlsMaterial.sslContext(pair[0], pair[1]);
            }
            // Bound before the control plane is made, so that scoring URIs can name the port it really got.
            if (options.inferencePort() != ServerOptions.NO_INFERENCE_PORT) {
                inference = ScoringPort.bind(new ListenerSettings(options.host(), options.inferencePort(),
                        options.inferenceMaxConnections(), 64 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(30)),
                        loops, tlsContext);
            }
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(meters);
            new JvmThreadMetrics().bindTo(meters);
            new ProcessorMetrics().bindTo(meters);
            ControlConfig config = ControlConfig.defaults(masterKey, blobFolder(dataDirectory))
                    .withThrottle(ThrottleLimits.parse(options.throttling()))
                    .withAccessTokenLifetime(options.accessTokenLifetime())
                    .withWorkspaceTimers(options.keySyncInterval(), options.softDeleteRetention())
                    .withPendingUploadTtl(options.pendingUploadTtl())
                    .withListPageSize(options.listPageSize())
                    .withReplicas(new Replicas.Settings(serverId(dataDirectory), options.replicaTimeout()))
                    .withTrustedProxies(options.trustedProxies())
                    .withCrashPoints(options.crashAt().map(CrashPoints::parse).orElse(CrashPoints.none()));
            ServingConfig serving = ServingConfig.defaults(dataDirectory.resolve("serving"))
                    .withPython(options.python()).withTokenLifetime(options.endpointTokenLifetime())
                    .withMirrorCapacity(options.mirrorCapacity()).withBandwidth(options.endpointBandwidth())
                    .withScoringPort(inference == null ? 0 : inference.port());
            // Jobs learn the main port once it is bound (below); the dispatcher holds them until then.
            AtomicInteger mainPort = new AtomicInteger();
            JobsConfig jobs = new JobsConfig(dataDirectory.resolve("jobs"), options.python(), Duration.ofSeconds(5),
                    certificate, mainPort::get);
            controlPlane = ControlPlane.create(database, config, serving, jobs, loops, meters, Clock.systemUTC());
            Optional<String> adminPassword = options.adminPasswordFile().isPresent()
                    ? Optional.of(Files.readString(options.adminPasswordFile().get()).strip()) : Optional.empty();
            ControlPlane.Bootstrap bootstrap = controlPlane.bootstrap(adminPassword);
            int recovered = controlPlane.recoverOperations();
            if (recovered > 0) {
                LOG.info("Recovered {} operations left running by the previous process", recovered);
            }
            AtomicBoolean started = new AtomicBoolean();
            ControlPlane plane = controlPlane;
            WebServerConfig.Builder builder = WebServer.builder()
                    .host(options.host())
                    .port(options.port())
                    .shutdownHook(false)
                    .maxPayloadSize(MAX_PAYLOAD)
                    // Helidon sets a 4 KiB SO_RCVBUF on the listener unless told otherwise; accepted sockets inherit
                    // it, which caps every upload at a 4 KiB window (measured: 60 MB/s on loopback). A large
                    // explicit size gives the window room; the kernel clamps it to net.core.rmem_max.
                    .listenerSocketOptions(Map.of(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER))
                    // Helidon leaves Nagle on. An answer that goes out in more than one write (TLS's session
                    // tickets then the response, or headers then body) then waits for the client's delayed ACK:
                    // measured, 40 ms added to 4 of 5 HTTPS requests on a new connection, every CLI command's first.
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    .routing(routing -> routing
                            // Scoring first: Helidon tries services in order, and scoring is the hot path.
                            .register("/inference", plane.scoringService())
                            .register("/", new HealthService(database, meters, started::get, plane.rootAccess()))
                            .register("/amlite", new BackupService(database, plane.rootAccess(), masterKey,
                                    blobFolder(dataDirectory)))
                            .register("/v1.0", plane.directoryApi())
                            .register("/", plane.tokenEndpoint())
                            .register("/storage", plane.blobEndpoint())
                            .register("/mlflow", plane.mlflowApi())
                            .register("/studio", new StudioService())
                            .register("/", plane.frontDoor()));
            if (tlsContext != null) {
                builder.tls(Tls.builder().sslContext(tlsContext).enabledProtocols(List.of("TLSv1.3", "TLSv1.2")).build());
            }
            WebServer webServer = builder.build().start();
            if (!webServer.isRunning()) {
                // Taken between the check above and here: Helidon logged why and returned a server on no port.
                throw new IOException("cannot listen on " + options.host() + ":" + options.port() + " (--port); see the "
                        + "log above");
            }
            mainPort.set(webServer.port());
            if (inference != null) {
                inference.start(plane.scoringService());
                ScoringPort listener = inference;
                Gauge.builder("amlite_inference_connections_open", listener, ScoringPort::openConnections)
                        .description("Open connections on the scoring port").register(meters);
                FunctionCounter.builder("amlite_inference_connections_accepted", listener,
                        ScoringPort::acceptedConnections).description("Connections the scoring port took")
                        .register(meters);
                FunctionCounter.builder("amlite_inference_connections_refused", listener,
                        ScoringPort::refusedConnections)
                        .description("Connections refused at --inference-max-connections").register(meters);
            }
            started.set(true);
            return new AmliteServer(database, controlPlane, webServer, inference, loops, bootstrap,
                    !options.plainHttp(), options.host(), certificate);
        } catch (RuntimeException | IOException | GeneralSecurityException e) {
            if (inference != null) {
                inference.close();
            }
            if (controlPlane != null) {
                controlPlane.close();
            }
            loops.close();
            database.close();
            throw e;
        }
    }

    /**
     * The id of the server of this data directory among the servers sharing a store (replicas): made on its first
     * start and kept, so that a restart is the same server and recovers what it ran. A copy of a data directory
     * must not serve as another replica's: delete its {@code server-id} first.
     */
    static String serverId(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve("server-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = java.util.UUID.randomUUID().toString();
        Path written = Files.writeString(dataDirectory.resolve("server-id.new"), id, StandardCharsets.US_ASCII);
        Files.move(written, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }

    /** Reads the master key, or makes one (32 random bytes, owner-only) on the first start. */
    static byte[] masterKey(Path file) throws IOException {
        if (Files.exists(file)) {
            byte[] key = java.util.Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            if (key.length != 32) {
                throw new IOException("The master key in " + file + " must be 32 bytes (base64), it has " + key.length);
            }
            return key;
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        writeMasterKey(file, key);
        return key;
    }

    /** Writes a master key as {@link #masterKey} reads it, readable by the owner only. */
    static void writeMasterKey(Path file, byte[] key) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
        TlsMaterial.restrict(file);
    }

    public int port() {
        return webServer.port();
    }

    public String url() {
        String shownHost = host.equals("0.0.0.0") || host.equals("127.0.0.1") ? "localhost" : host;
        return (tls ? "https" : "http") + "://" + shownHost + ":" + port();
    }

    /** The scoring port, or empty when scoring is on the main port only ({@code --inference-port off}). */
    public Optional<Integer> inferencePort() {
        return inference == null ? Optional.empty() : Optional.of(inference.port());
    }

    /** The composed control plane, for embedding code and tests that drive its parts (e.g. the compute tick). */
    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public ControlPlane.Bootstrap bootstrap() {
        return bootstrap;
    }

    public Optional<Path> certificate() {
        return Optional.ofNullable(certificate);
    }

    /** Stops taking requests, lets running operations finish (bounded), then closes the store. */
    @Override
    public void close() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Shutting down: stopping the web server");
        if (inference != null) {
            inference.close();
        }
        webServer.stop();
        controlPlane.close();
        loops.close();
        database.close();
        LOG.info("Shutdown complete");
    }

    static Duration shutdownGrace() {
        return Duration.ofSeconds(10);
    }
}
