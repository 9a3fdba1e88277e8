package dev.amlite.serving.port;

import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.listener.ListenerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The scoring port on its event loops: the HTTP/1.1 contract, and what answering later (asynchronously) adds. */
class ScoringPortTest extends HttpServerContract {
    private static final EventLoops LOOPS = EventLoops.of(2);
    private ScoringPort port;
    /** Completes the answers to /slow: they wait for the test (an instance taking its time). */
    private final CompletableFuture<Void> release = new CompletableFuture<>();

    @AfterAll
    static void stopLoops() {
        LOOPS.close();
    }

    @Override
    protected int startServer(ListenerSettings settings) throws IOException {
        port = ScoringPort.bind(settings, LOOPS, null);
        port.start(this::answer);
        return port.port();
    }

    /** The contract's echo, but /slow answers once the test releases it, on the test's thread. */
    private CompletionStage<InferenceReply> answer(ScoringRequest request) {
        if (request.path().equals("/slow")) {
            return release.thenApply(v -> new InferenceReply(200, Map.of("Content-Type", "text/plain"),
                    "slow".getBytes(StandardCharsets.UTF_8)));
        }
        if (request.path().equals("/whole")) { // the body as it came, up to 1 MiB
            return request.body(1 << 20).thenApply(bytes -> new InferenceReply(200,
                    Map.of("Content-Type", "application/octet-stream"), bytes));
        }
        return echo(request);
    }

    @Override
    protected int port() {
        return port.port();
    }

    @Override
    protected int openConnections() {
        return port.openConnections();
    }

    @Override
    protected long acceptedConnections() {
        return port.acceptedConnections();
    }

    @Override
    protected long refusedConnections() {
        return port.refusedConnections();
    }

    @Override
    protected void closeServer() {
        if (port != null) {
            port.close();
        }
    }

    @Test
    void aTakenPortIsNamedWithTheOptionThatMovesIt() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ListenerSettings settings = new ListenerSettings("127.0.0.1", taken.getLocalPort(), 16, 64 * 1024,
                    java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(5));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScoringPort.bind(settings, LOOPS, null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("Address already in use")
                    .hasMessageContaining("--inference-port");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrderWhenTheFirstAnswersLater() throws IOException {
        startServer(ListenerSettings.defaults("127.0.0.1", 0));
        try (Socket socket = new Socket("127.0.0.1", port.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /slow HTTP/1.1\r\n\r\nGET /fast HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            sleep(100); // both requests are in; the first is still waiting for its answer
            assertThat(socket.getInputStream().available()).as("nothing answered before the first").isZero();
            release.complete(null);
            String all = readAtLeast(socket.getInputStream(), 2);
            assertThat(all.indexOf("slow")).isPositive().isLessThan(all.indexOf("GET /fast"));
        }
    }

    @Test
    void whileOneConnectionWaitsForItsAnswerTheLoopServesOthers() throws IOException {
        startServer(ListenerSettings.defaults("127.0.0.1", 0));
        try (Socket slow = new Socket("127.0.0.1", port.port()); Socket fast = new Socket("127.0.0.1", port.port())) {
            slow.setSoTimeout(5000);
            fast.setSoTimeout(5000);
            slow.getOutputStream().write("GET /slow HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // Twenty answers on the other connection while the slow one's answer is outstanding (with one loop
            // per connection blocked in its handler, they would never come: the handler waits for the test).
            for (int i = 0; i < 20; i++) {
                fast.getOutputStream().write("GET /fast HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(readAtLeast(fast.getInputStream(), 1)).contains("GET /fast");
            }
            assertThat(slow.getInputStream().available()).isZero();
            release.complete(null);
            assertThat(readAtLeast(slow.getInputStream(), 1)).contains("slow");
        }
    }

    @Test
    void aBodyThatStopsArrivingIs408AndTheHandlersWaitEnds() throws IOException {
        startServer(new ListenerSettings("127.0.0.1", 0, 16, 64 * 1024, java.time.Duration.ofSeconds(30),
                java.time.Duration.ofMillis(300)));
        try (Socket socket = new Socket("127.0.0.1", port.port())) {
            socket.setSoTimeout(5000);
            // The handler asks for the body (/read); three of its ten bytes come, then nothing.
            socket.getOutputStream().write("POST /read HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = readAtLeast(socket.getInputStream(), 1);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("did not arrive within 300 ms")
                    .contains("Connection: close");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(seen).isEmpty(); // the handler never saw a whole body
    }

    @Test
    void aBodyIsIntactWhenThePartOfTheNextRequestBehindItIsKeptForLater() throws IOException {
        startServer(ListenerSettings.defaults("127.0.0.1", 0));
        byte[] body = new byte[1500];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        // One write: a request with a body, then the first 300 bytes of a second request's head. The decoder keeps
        // those bytes for the next read while the first body is still held: compacting the buffer under it (the
        // bytes kept moved to its start) would overwrite the body's first bytes before the handler copied them.
        String nextHead = "POST /whole HTTP/1.1\r\nX-Padding: " + "p".repeat(300) + "\r\nContent-Length: 2\r\n\r\nok";
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.write(("POST /whole HTTP/1.1\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        first.write(body);
        first.write(nextHead.substring(0, 300).getBytes(StandardCharsets.ISO_8859_1));
        try (Socket socket = new Socket("127.0.0.1", port.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(first.toByteArray());
            socket.getOutputStream().flush();
            sleep(100);
            socket.getOutputStream().write(nextHead.substring(300).getBytes(StandardCharsets.ISO_8859_1));
            String answers = readAtLeast(socket.getInputStream(), 2);
            assertThat(answers).contains(new String(body, StandardCharsets.ISO_8859_1));
            assertThat(answers).endsWith("\r\n\r\nok");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads until {@code answers} whole answers (by Content-Length) have arrived; them as text. */
    private static String readAtLeast(InputStream in, int answers) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < answers; i++) {
            int length = -1;
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.EOFException("closed");
                }
                all.write(b);
                if (b == '\n') {
                    String text = line.toString().strip();
                    if (text.isEmpty()) {
                        break;
                    }
                    if (text.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(text.substring(15).strip());
                    }
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            }
            all.write(in.readNBytes(length));
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
