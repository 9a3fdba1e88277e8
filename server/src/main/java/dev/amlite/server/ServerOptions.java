package dev.amlite.server;

import dev.amlite.control.identity.TrustedProxies;
import dev.amlite.serving.port.EventLoops;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The options of {@code amlite server start}, each declared once here with its default. Secrets are passed as
 * files, never on the command line, so they do not show in process listings.
 */
public record ServerOptions(Path dataDirectory, String host, int port, boolean plainHttp, Optional<Path> tlsCertificate,
                            Optional<Path> tlsKey, Optional<Path> adminPasswordFile, Optional<String> databaseUrl,
                            Optional<String> databaseUser, Optional<Path> databasePasswordFile,
                            Optional<Path> masterKeyFile, String throttling, Duration accessTokenLifetime,
                            Duration keySyncInterval, Duration softDeleteRetention,
                            Duration pendingUploadTtl, String python, Duration endpointTokenLifetime,
                            int mirrorCapacity, long endpointBandwidth, int inferencePort,
                            int inferenceMaxConnections, EventLoops.Transport scoringIo, int listPageSize,
                            Duration replicaTimeout, boolean jsonLogs, TrustedProxies trustedProxies,
                            Optional<String> crashAt) {
    /** {@link #inferencePort()} when scoring has no port of its own (only the main port's /inference). */
    public static final int NO_INFERENCE_PORT = -1;

    static final String USAGE = """
            Usage: amlite server start [options]
              --data-dir DIR             where the database, certificates and files live (default ~/.amlite/data)
              --port N                   port to listen on; 0 picks a free one (default 8443)
              --host ADDRESS             address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
              --http                     plain HTTP instead of TLS; only allowed on a loopback address
              --tls-cert FILE            PEM certificate chain (default: a self-signed one made in the data dir)
              --tls-key FILE             PEM private key for --tls-cert
              --admin-password-file FILE first start only: the admin password (otherwise one is generated and printed once)
              --db-url URL               jdbc:postgresql://host:port/db (default: embedded H2 file in the data dir)
              --db-user NAME             database user
              --db-password-file FILE    file holding the database password
              --master-key-file FILE     32-byte key that seals stored secrets (default: data-dir/secrets/master.key)
              --throttling MODE          standard | azure (ARM's published limits) | READ_BURST:RATE,WRITE_BURST:RATE
              --token-lifetime DURATION  access token lifetime, e.g. 1h, 15m, 3600s (default 1h)
              --key-sync-interval DURATION  how often workspaces pick up regenerated dependent keys (default 1h)
              --soft-delete-retention DURATION  how long deleted workspaces stay recoverable (default 14d)
              --pending-upload-ttl DURATION  how long files of an upload that never became an asset stay (default 1d)
              --python PATH              interpreter of Python deployments and of jobs' python/python3 (default
                                         python3; a deployment may name its own with the property amlite.python)
              --endpoint-token-lifetime DURATION  how long an online endpoint's aml_token is valid (default 1h)
              --mirror-capacity N        mirrored scoring requests in flight at once, server-wide; more are dropped
                                         (default 64)
              --endpoint-bandwidth BYTES_PER_SECOND  an online endpoint's bandwidth quota (default 5000000)
              --inference-port N|off     the scoring port online endpoints' scoring_uri names (default: --port + 1,
                                         or a free one with --port 0); off: score on the main port only
              --inference-max-connections N  open connections the scoring port takes at once (default 4096)
              --scoring-io io_uring|epoll|nio  how scoring traffic's event loops do their I/O (default io_uring where
                                         the kernel allows it, else epoll, else nio; an unavailable choice falls
                                         back in that order and the log says so)
              --list-page-size N         most items one page of a management list answer holds; ARM clients follow
                                         the nextLink to the rest (default 1000)
              --replica-timeout DURATION  servers sharing one PostgreSQL store: how long one may go unseen (it
                                         beats every sixth of this) before another takes over its operations and
                                         ends its jobs (default 30s)
              --log-format text|json     the log on standard error: lines of text (default), or one JSON object a
                                         line (timestamp, level, threadName, loggerName, message, throwable)
              --trusted-proxies CIDR[,CIDR...]  load balancers whose X-Forwarded-For names the client (for the
                                         sign-in lockout), e.g. 10.0.0.0/8; others' is ignored (default: none)
              --crash-at POINT[:N]       crash tests only: stop the process dead (as SIGKILL) the N-th time work
                                         reaches POINT (docs/moves.md lists the points)
            """;

    /** The data directory without --data-dir: the one the CLI also looks in for a local server's certificate. */
    static Path defaultDataDirectory(Path home) {
        return home.resolve(".amlite").resolve("data");
    }

    public static ServerOptions parse(List<String> arguments, Path home) {
        Path dataDirectory = defaultDataDirectory(home);
        String host = "127.0.0.1";
        int port = 8443;
        boolean plainHttp = false;
        Path cert = null;
        Path key = null;
        Path adminPassword = null;
        String databaseUrl = null;
        String databaseUser = null;
        Path databasePassword = null;
        Path masterKey = null;
        String throttling = "standard";
        Duration tokenLifetime = Duration.ofHours(1);
        Duration keySync = Duration.ofHours(1);
        Duration retention = Duration.ofDays(14);
        Duration pendingUploadTtl = Duration.ofDays(1);
        String python = "python3";
        Duration endpointTokenLifetime = Duration.ofHours(1);
        int mirrorCapacity = 64;
        long endpointBandwidth = 5_000_000L;
        Integer inferencePort = null;
        int inferenceMaxConnections = 4096;
        EventLoops.Transport scoringIo = EventLoops.Transport.IO_URING;
        int listPageSize = dev.amlite.control.arm.ListPages.DEFAULT_PAGE_SIZE;
        Duration replicaTimeout = dev.amlite.control.replicas.Replicas.Settings.DEFAULT_TIMEOUT;
        String crashAt = null;
        boolean jsonLogs = false;
        TrustedProxies trustedProxies = TrustedProxies.none();
        List<String> rest = new ArrayList<>(arguments);
        while (!rest.isEmpty()) {
            String option = rest.removeFirst();
            String inlineValue = null;
            if (option.startsWith("--") && option.contains("=")) {
                inlineValue = option.substring(option.indexOf('=') + 1);
                option = option.substring(0, option.indexOf('='));
            }
            switch (option) {
                case "--http" -> plainHttp = true;
                case "--data-dir" -> dataDirectory = Path.of(value(option, inlineValue, rest));
                case "--host" -> host = value(option, inlineValue, rest);
                case "--port" -> port = port(option, value(option, inlineValue, rest));
                case "--tls-cert" -> cert = Path.of(value(option, inlineValue, rest));
                case "--tls-key" -> key = Path.of(value(option, inlineValue, rest));
                case "--admin-password-file" -> adminPassword = Path.of(value(option, inlineValue, rest));
                case "--db-url" -> databaseUrl = value(option, inlineValue, rest);
                case "--db-user" -> databaseUser = value(option, inlineValue, rest);
                case "--db-password-file" -> databasePassword = Path.of(value(option, inlineValue, rest));
                case "--master-key-file" -> masterKey = Path.of(value(option, inlineValue, rest));
                case "--throttling" -> throttling = value(option, inlineValue, rest);
                case "--token-lifetime" -> tokenLifetime = duration(value(option, inlineValue, rest));
                case "--key-sync-interval" -> keySync = duration(value(option, inlineValue, rest));
                case "--soft-delete-retention" -> retention = duration(value(option, inlineValue, rest));
                case "--pending-upload-ttl" -> pendingUploadTtl = duration(value(option, inlineValue, rest));
                case "--python" -> python = value(option, inlineValue, rest);
                case "--endpoint-token-lifetime" -> endpointTokenLifetime = duration(value(option, inlineValue, rest));
                case "--mirror-capacity" -> mirrorCapacity = positive(option, value(option, inlineValue, rest));
                case "--endpoint-bandwidth" -> endpointBandwidth = positive(option, value(option, inlineValue, rest));
                case "--inference-port" -> {
                    String text = value(option, inlineValue, rest);
                    inferencePort = text.equalsIgnoreCase("off") ? NO_INFERENCE_PORT : port(option, text);
                }
                case "--inference-max-connections" ->
                        inferenceMaxConnections = positive(option, value(option, inlineValue, rest));
                case "--scoring-io" -> {
                    try {
                        scoringIo = EventLoops.Transport.ofLabel(value(option, inlineValue, rest));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--scoring-io: " + e.getMessage());
                    }
                }
                case "--list-page-size" -> listPageSize = positive(option, value(option, inlineValue, rest));
                case "--replica-timeout" -> {
                    String given = value(option, inlineValue, rest);
                    replicaTimeout = duration(given);
                    if (replicaTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                        throw new UsageException("--replica-timeout must be at least 1s, not '" + given + "'.");
                    }
                }
                case "--log-format" -> {
                    String given = value(option, inlineValue, rest);
                    if (!given.equals("text") && !given.equals("json")) {
                        throw new UsageException("--log-format must be text or json, not '" + given + "'.");
                    }
                    jsonLogs = given.equals("json");
                }
                case "--trusted-proxies" -> {
                    try {
                        trustedProxies = TrustedProxies.parse(value(option, inlineValue, rest));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--trusted-proxies: " + e.getMessage());
                    }
                }
                case "--crash-at" -> {
                    crashAt = value(option, inlineValue, rest);
                    try {
                        dev.amlite.control.operations.CrashPoints.parse(crashAt);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                case "--help", "-h" -> throw new UsageException(null);
                default -> throw new UsageException("Unknown option '" + option + "'.");
            }
        }
        if ((cert == null) != (key == null)) {
            throw new UsageException("--tls-cert and --tls-key go together: give both PEM files or neither.");
        }
        if (plainHttp && !isLoopback(host)) {
            throw new UsageException("--http serves plain HTTP and is only allowed on a loopback address (127.0.0.1, "
                    + "::1, localhost), not '" + host + "'. Use TLS to listen on other addresses.");
        }
        if (plainHttp && cert != null) {
            throw new UsageException("--http and --tls-cert contradict each other.");
        }
        if (inferencePort == null) {
            inferencePort = port == 0 ? 0 : port + 1;
            if (inferencePort > 65535) {
                throw new UsageException("--port " + port + " leaves no room for the inference port at --port + 1; "
                        + "give --inference-port.");
            }
        } else if (inferencePort != 0 && inferencePort == port) {
            throw new UsageException("--inference-port must differ from --port (" + port + ").");
        }
        return new ServerOptions(dataDirectory, host, port, plainHttp, Optional.ofNullable(cert), Optional.ofNullable(key),
                Optional.ofNullable(adminPassword), Optional.ofNullable(databaseUrl), Optional.ofNullable(databaseUser),
                Optional.ofNullable(databasePassword), Optional.ofNullable(masterKey), throttling, tokenLifetime, keySync, retention,
                pendingUploadTtl, python, endpointTokenLifetime, mirrorCapacity, endpointBandwidth,
                inferencePort, inferenceMaxConnections, scoringIo, listPageSize, replicaTimeout, jsonLogs,
                trustedProxies, Optional.ofNullable(crashAt));
    }

    private static int positive(String option, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a whole number above 0, not '" + text + "'.");
    }

    private static String value(String option, String inlineValue, List<String> rest) {
        if (inlineValue != null) {
            return inlineValue;
        }
        if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
            throw new UsageException("Option " + option + " needs a value.");
        }
        return rest.removeFirst();
    }

    private static int port(String option, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a number from 0 to 65535, not '" + text + "'.");
        }
    }

    static Duration duration(String text) {
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text);
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new UsageException("'" + text + "' is not a duration; use e.g. 90s, 15m, 1h, 2d or PT1H.");
        }
    }

    static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost") || host.startsWith("127.");
    }

    /** A bad command line: the message says what was wrong; null means "print the usage". */
    public static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
