package dev.amlite.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code amlite server start}: runs the server in the foreground until SIGINT or SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // Helidon logs through java.util.logging; route it to the same logback format as ours.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (args.length > 0 && args[0].equals("restore")) {
            System.exit(Restore.run(Arrays.asList(args).subList(1, args.length), Path.of(System.getProperty("user.home"))));
            return;
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(Arrays.asList(args), Path.of(System.getProperty("user.home")));
        } catch (ServerOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("ERROR: " + e.getMessage());
            }
            System.err.print(ServerOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        if (options.jsonLogs()) {
            LogFormat.useJson();
        }
        AmliteServer server;
        try {
            server = AmliteServer.start(options);
        } catch (Exception e) {
            System.err.println("ERROR: amlite could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "amlite-shutdown"));
        printBanner(server, options);
        stopped.await();
    }

    /**
     * What the login command needs to trust this server's own certificate: nothing when it is the default data
     * directory's, which the CLI finds by itself; otherwise {@code --ca-file}, so that the printed command works as
     * it is from any shell (the CLI does not know a data directory given to the server). An operator's certificate
     * is left to the operator's CA.
     */
    static String trust(AmliteServer server, ServerOptions options) {
        if (options.tlsCertificate().isPresent() || server.certificate().isEmpty()) {
            return "";
        }
        Path certificate = server.certificate().get().toAbsolutePath().normalize();
        Path found = ServerOptions.defaultDataDirectory(Path.of(System.getProperty("user.home")))
                .resolve("tls").resolve("server.crt").toAbsolutePath().normalize();
        return certificate.equals(found) ? "" : " --ca-file " + quoted(certificate.toString());
    }

    /** A path as one shell word. */
    private static String quoted(String path) {
        return path.matches("[A-Za-z0-9/._+:@%-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
    }

    private static void printBanner(AmliteServer server, ServerOptions options) {
        var bootstrap = server.bootstrap();
        StringBuilder banner = new StringBuilder();
        banner.append("amlite server ready at ").append(server.url()).append('\n');
        server.inferencePort().ifPresent(port -> banner.append("  scoring port:   ").append(port)
                .append(" (online endpoints' scoring_uri)\n"));
        banner.append("  studio:         ").append(server.url()).append("/studio/\n");
        banner.append("  data directory: ").append(options.dataDirectory().toAbsolutePath()).append('\n');
        banner.append("  tenant:         ").append(bootstrap.tenantId()).append('\n');
        banner.append("  subscription:   ").append(bootstrap.subscriptionId()).append('\n');
        server.certificate().ifPresent(path -> banner.append("  certificate:    ").append(path).append('\n'));
        if (bootstrap.generatedPassword().isPresent()) {
            banner.append("\nFirst start: the password of 'admin' is shown this once:\n\n    ")
                    .append(bootstrap.generatedPassword().get()).append("\n\n");
            banner.append("Log in with:\n    amlite login --server ").append(server.url()).append(trust(server, options))
                    .append(" --username admin --password '").append(bootstrap.generatedPassword().get()).append("'\n");
        } else {
            banner.append("\nLog in with:\n    amlite login --server ").append(server.url()).append(trust(server, options))
                    .append(" --username admin --password <your admin password>\n");
        }
        System.out.print(banner);
        System.out.flush();
    }
}
