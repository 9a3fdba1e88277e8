package dev.amlite.serving.port;

import dev.amlite.serving.listener.InferenceListener;
import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.listener.ListenerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Upstream#post}: answers as futures, connections kept per loop, deadlines that close the connection; the
 * tests with an {@code overLocalSocket} parameter run against the instance's TCP port and its Unix domain socket.
 */
class UpstreamTest {
    /** One loop per transport, so that "the connection is reused" means one connection. */
    private static final Map<EventLoops.Transport, EventLoops> LOOPS = new EnumMap<>(EventLoops.Transport.class);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger served = new AtomicInteger();
    private InferenceListener backend;
    private Upstream upstream;
    @TempDir
    Path temporary;

    @AfterAll
    static void stopLoops() {
        LOOPS.values().forEach(EventLoops::close);
    }

    private static EventLoops bestLoops() {
        return LOOPS.computeIfAbsent(EventLoops.Transport.best(), t -> EventLoops.of(1, t));
    }

    /** Every transport this platform has, each to the instance's TCP port and to its Unix domain socket. */
    static Stream<Arguments> hops() {
        return Arrays.stream(EventLoops.Transport.values()).filter(EventLoops.Transport::available)
                .flatMap(transport -> Stream.of(Arguments.of(transport, false), Arguments.of(transport, true)));
    }

    /** A backend that echoes the body; "/hold" waits for the test's latch first, "/slow" for 3 s. */
    private void startBackend(EventLoops.Transport transport, boolean overLocalSocket) throws IOException {
        startBackend(transport, overLocalSocket, ListenerSettings.defaults("127.0.0.1", 0));
    }

    private void startBackend(EventLoops.Transport transport, boolean overLocalSocket, ListenerSettings settings)
            throws IOException {
        EventLoops loops = LOOPS.computeIfAbsent(transport, t -> EventLoops.of(1, t));
        assertThat(loops.transport()).isEqualTo(transport);
        backend = overLocalSocket ? InferenceListener.bindLocal(temporary.resolve("amlite.sock"), settings)
                : InferenceListener.bind(settings, null);
        backend.start(request -> {
            try {
                if (request.path().equals("/hold")) {
                    release.await(10, TimeUnit.SECONDS);
                } else if (request.path().equals("/slow")) {
                    Thread.sleep(3000);
                }
                byte[] body = request.body(1 << 20);
                served.incrementAndGet();
                return new InferenceReply(200, Map.of("Content-Type", "text/plain",
                        "x-seen", String.valueOf(request.header("x-request-id"))), body);
            } catch (IOException | InterruptedException e) {
                return new InferenceReply(500, Map.of(), new byte[0]);
            }
        });
        upstream = overLocalSocket ? new Upstream(loops, backend.socketFile(), 1)
                : new Upstream(loops, "127.0.0.1", backend.port());
        assertThat(upstream.local()).isEqualTo(overLocalSocket);
    }

    @AfterEach
    void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private CompletableFuture<UpstreamResponse> post(String path, String id, String body, long timeoutMillis) {
        return upstream.post(path, Map.of("x-request-id", id), body.getBytes(StandardCharsets.UTF_8),
                TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }

    private static String text(UpstreamResponse response) {
        return response.status() + " " + new String(response.body(), StandardCharsets.UTF_8) + " "
                + response.contentType();
    }

    @ParameterizedTest(name = "{0}, over a local socket: {1}")
    @MethodSource("hops")
    void everyRequestIsAnsweredOnceAndConnectionsAreReused(EventLoops.Transport transport, boolean overLocalSocket) throws Exception {
        startBackend(transport, overLocalSocket);
        for (int i = 0; i < 20; i++) { // one after another: one connection does it all
            assertThat(text(post("/echo", "s" + i, "s" + i, 5000).get(5, TimeUnit.SECONDS)))
                    .isEqualTo("200 s" + i + " text/plain");
        }
        assertThat(backend.openConnections()).isEqualTo(1);

        List<CompletableFuture<UpstreamResponse>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // all at once: as many connections as needed, each answer to its request
            all.add(post("/echo", "r" + i, "copy-" + i, 5000));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(text(all.get(i).get(10, TimeUnit.SECONDS))).isEqualTo("200 copy-" + i + " text/plain");
        }
        assertThat(served.get()).isEqualTo(220);
    }

    @ParameterizedTest(name = "{0}, over a local socket: {1}")
    @MethodSource("hops")
    void aConnectionTheInstanceClosedWhileIdleIsReplacedNotFailed(EventLoops.Transport transport, boolean overLocalSocket) throws Exception {
        startBackend(transport, overLocalSocket, new ListenerSettings("127.0.0.1", 0, 16, 64 * 1024, java.time.Duration.ofMillis(200),
                java.time.Duration.ofSeconds(5)));
        for (int round = 0; round < 3; round++) {
            assertThat(post("/echo", "r" + round, "again", 5000).get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
            Thread.sleep(400); // the backend closes the idle connection meanwhile
        }
        assertThat(served.get()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}, over a local socket: {1}")
    @MethodSource("hops")
    void theCallerNeverWaitsForTheAnswer(EventLoops.Transport transport, boolean overLocalSocket) throws Exception {
        startBackend(transport, overLocalSocket);
        CompletableFuture<UpstreamResponse> held = post("/hold", "held", "x", 5000);
        // post() has returned while the backend still holds the request: nothing answered yet.
        assertThat(held).isNotDone();
        assertThat(served.get()).isZero();
        release.countDown();
        assertThat(held.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}, over a local socket: {1}")
    @MethodSource("hops")
    void anAnswerPastTheDeadlineIsATimeoutAndItsConnectionIsNotReused(EventLoops.Transport transport, boolean overLocalSocket) throws Exception {
        startBackend(transport, overLocalSocket);
        assertThatThrownBy(() -> post("/slow", "slow", "x", 200).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UpstreamTimeoutException.class);
        // The next request gets a fresh connection and its own answer, not the late one of the slow request.
        assertThat(text(post("/echo", "next", "fresh", 5000).get(5, TimeUnit.SECONDS)))
                .isEqualTo("200 fresh text/plain");
    }

    @ParameterizedTest(name = "{0}, over a local socket: {1}")
    @MethodSource("hops")
    void aBackendThatGoesAwayFailsTheOutstandingRequestOnce(EventLoops.Transport transport, boolean overLocalSocket) throws Exception {
        startBackend(transport, overLocalSocket);
        CompletableFuture<UpstreamResponse> held = post("/hold", "held", "x", 5000);
        while (backend.openConnections() == 0) {
            Thread.sleep(5);
        }
        backend.close();
        assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        release.countDown();
        // Nothing listens any more: the next request fails and says why.
        assertThatThrownBy(() -> post("/echo", "late", "x", 1000).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class).hasMessageContaining("cannot be reached");
        upstream.close();
        assertThatThrownBy(() -> post("/echo", "closed", "x", 1000).get(5, TimeUnit.SECONDS))
                .hasMessageContaining("closed");
    }

    /** A server that answers each connection's one request with {@code answer}'s bytes, then closes it. */
    private static java.net.ServerSocket rawBackend(String answer) throws IOException {
        java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (java.net.Socket socket = server.accept()) {
                    java.io.InputStream in = socket.getInputStream();
                    String head = "";
                    while (!head.endsWith("\r\n\r\n")) {
                        head += (char) in.read();
                    }
                    in.readNBytes(Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1")));
                    socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException | RuntimeException e) {
                    // the next connection
                }
            }
        });
        return server;
    }

    @Test
    void answersAreReadAsTheInstanceFramesThemAndMalformedOnesFailClearly() throws Exception {
        try (java.net.ServerSocket untilClose = rawBackend("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nto the end");
             java.net.ServerSocket notHttp = rawBackend("SMTP ready\r\n\r\n");
             java.net.ServerSocket chunked = rawBackend("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
             Upstream a = new Upstream(bestLoops(), "127.0.0.1", untilClose.getLocalPort());
             Upstream b = new Upstream(bestLoops(), "127.0.0.1", notHttp.getLocalPort());
             Upstream c = new Upstream(bestLoops(), "127.0.0.1", chunked.getLocalPort())) {
            for (int i = 0; i < 2; i++) { // no Content-Length: the body ends when the instance closes; next time anew
                UpstreamResponse answer = a.post("/score", Map.of(), "x".getBytes(), 5_000_000_000L).get(5, TimeUnit.SECONDS);
                assertThat(text(answer)).isEqualTo("200 to the end text/plain");
            }
            assertThatThrownBy(() -> b.post("/score", Map.of(), "x".getBytes(), 5_000_000_000L).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IOException.class).hasMessageContaining("not HTTP: SMTP ready");
            assertThatThrownBy(() -> c.post("/score", Map.of(), "x".getBytes(), 5_000_000_000L).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IOException.class).hasMessageContaining("Transfer-Encoding chunked");
        }
    }

    /** A server that answers the requests of its connections with {@code answers} in turn, keeping them open. */
    private static java.net.ServerSocket sequenceBackend(java.util.concurrent.atomic.AtomicInteger accepted,
                                                         String... answers) throws IOException {
        java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (java.net.Socket socket = server.accept()) {
                    accepted.incrementAndGet();
                    java.io.InputStream in = socket.getInputStream();
                    while (true) {
                        String head = "";
                        while (!head.endsWith("\r\n\r\n")) {
                            int b = in.read();
                            if (b < 0) {
                                throw new java.io.EOFException();
                            }
                            head += (char) b;
                        }
                        in.readNBytes(Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1")));
                        socket.getOutputStream().write(answers[next.getAndIncrement()]
                                .getBytes(StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException | RuntimeException e) {
                    // the next connection
                }
            }
        });
        return server;
    }

    @Test
    void headersAreReadInAnyCaseAndSpacingAndEachAnswerKeepsItsOwnContentType() throws Exception {
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        try (java.net.ServerSocket server = sequenceBackend(accepted,
                "HTTP/1.1 201 Created\r\ncontent-TYPE:   application/json  \r\nCONTENT-LENGTH:2\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Length: 3\r\n\r\na,b",
                "HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Length: 1\r\n\r\nc",
                "HTTP/1.1 200 OK\r\nContent-Type: Text/CSV; charset=UTF-8\r\nContent-Length: 1\r\n\r\nd",
                "HTTP/1.1 424 Failed Dependency\nContent-Length: 1\n\ne",
                "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n");
             Upstream client = new Upstream(bestLoops(), "127.0.0.1", server.getLocalPort())) {
            java.util.List<String> seen = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                seen.add(text(client.post("/score", Map.of(), "x".getBytes(), 5_000_000_000L).get(5, TimeUnit.SECONDS)));
            }
            assertThat(seen).containsExactly("201 {} application/json", "200 a,b text/csv; charset=utf-8",
                    "200 c text/csv; charset=utf-8", "200 d Text/CSV; charset=UTF-8", "424 e null");
            assertThat(accepted.get()).as("one kept-alive connection").isEqualTo(1);
            assertThatThrownBy(() -> client.post("/score", Map.of(), "x".getBytes(), 5_000_000_000L)
                    .get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("malformed Content-Length: 12x");
        }
    }
}
