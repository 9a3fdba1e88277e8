package dev.amlite.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks, before anything is started or written, that the ports the server is told to listen on can be bound.
 * Helidon logs a failed bind and carries on with a server that listens nowhere; the scoring port's failure names
 * no port. This says which port, which option gave it, and what to do.
 */
final class FreePorts {
    private FreePorts() {
    }

    /**
     * Throws when {@code port} (0: any free one, not checked) on {@code host} cannot be listened on; {@code option}
     * is the option that sets it, {@code source} how this port came from it.
     */
    static void check(String host, int port, String option, String source) throws IOException {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " (" + source + "): " + e.getMessage()
                    + ". Stop what listens there, or give another port with " + option + ".", e);
        }
    }
}
