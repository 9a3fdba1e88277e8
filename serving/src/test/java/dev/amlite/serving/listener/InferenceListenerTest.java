package dev.amlite.serving.listener;

import dev.amlite.serving.port.HttpServerContract;
import dev.amlite.serving.port.ScoringRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instances' server (a thread per connection) against the HTTP/1.1 contract both servers keep, and on a Unix
 * domain socket, the router's way in.
 */
class InferenceListenerTest extends HttpServerContract {
    private InferenceListener listener;
    @TempDir
    Path temporary;

    /** Writes {@code request} on a new connection to the socket and reads until the server closes it. */
    private static String exchangeOnce(Path socket, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            InputStream in = Channels.newInputStream(channel);
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    @Timeout(20) // a read the listener failed to time out would otherwise hang here
    void aLocalSocketServesOnlyItsUserTimesOutSlowRequestsAndGoesWithTheListener() throws IOException {
        Path socket = temporary.resolve("amlite.sock");
        Files.writeString(socket, "left by a killed instance");
        listener = InferenceListener.bindLocal(socket, new ListenerSettings("127.0.0.1", 0, 16, 64 * 1024,
                Duration.ofMillis(300), Duration.ofMillis(300)));
        listener.start(request -> echo(new Blocking(request)).toCompletableFuture().join());
        assertThat(listener.socketFile()).isEqualTo(socket);
        assertThat(listener.port()).isEqualTo(-1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

        String answer = exchangeOnce(socket, "POST /read HTTP/1.1\r\nX-Thing: one\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("POST /read x=one body=hello");
        assertThat(exchangeOnce(socket, "GET /a HTTP/1.1\r\nHost: half")) // and then nothing
                .startsWith("HTTP/1.1 408").contains("did not arrive within 300 ms");
        // A kept-alive connection left idle is closed by the server: readAllBytes returns.
        assertThat(exchangeOnce(socket, "GET /idle HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(listener.acceptedConnections()).isEqualTo(3);

        listener.close();
        assertThat(socket).doesNotExist();
    }

    @Override
    protected int startServer(ListenerSettings settings) throws IOException {
        listener = InferenceListener.bind(settings, null);
        listener.start(request -> echo(new Blocking(request)).toCompletableFuture().join());
        return listener.port();
    }

    /** The blocking request seen through the scoring port's interface: its body read at once when asked for. */
    private record Blocking(InferenceRequest request) implements ScoringRequest {
        @Override
        public String method() {
            return request.method();
        }

        @Override
        public String path() {
            return request.path();
        }

        @Override
        public String header(String name) {
            return request.header(name);
        }

        @Override
        public long declaredLength() {
            return request.declaredLength();
        }

        @Override
        public String clientAddress() {
            return request.clientAddress();
        }

        @Override
        public CompletionStage<byte[]> body(long max) {
            try {
                return CompletableFuture.completedFuture(request.body(max));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    @Override
    protected int port() {
        return listener.port();
    }

    @Override
    protected int openConnections() {
        return listener.openConnections();
    }

    @Override
    protected long acceptedConnections() {
        return listener.acceptedConnections();
    }

    @Override
    protected long refusedConnections() {
        return listener.refusedConnections();
    }

    @Override
    protected void closeServer() {
        if (listener != null) {
            listener.close();
        }
    }
}
