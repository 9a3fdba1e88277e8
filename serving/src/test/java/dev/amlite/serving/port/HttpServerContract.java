package dev.amlite.serving.port;

import dev.amlite.serving.listener.BodyTooLargeException;
import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.listener.ListenerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP/1.1 handling both of amlite's servers share (the scoring port on its event loops, the instances' server
 * with a thread per connection), driven over raw sockets so every byte on the wire is the test's. A subclass starts
 * its server with {@link #echo} as the handler.
 */
public abstract class HttpServerContract {
    protected final List<String> seen = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch clientHasAnswer = new java.util.concurrent.CountDownLatch(1);

    /** Starts the server under test with {@code settings}, answering with {@link #echo}; its port. */
    protected abstract int startServer(ListenerSettings settings) throws IOException;

    protected abstract int port();

    protected abstract int openConnections();

    protected abstract long acceptedConnections();

    protected abstract long refusedConnections();

    /** Closes the server (idempotent). */
    protected abstract void closeServer();

    /** Echoes what it was given: method, path, a header and the body (read only for POST /read). */
    protected CompletionStage<InferenceReply> echo(ScoringRequest request) {
        if (request.path().equals("/read")) {
            return request.body(100).handle((bytes, failure) -> {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof BodyTooLargeException) {
                    return new InferenceReply(413, Map.of("Content-Type", "text/plain"), cause.getMessage().getBytes());
                }
                if (cause != null) {
                    return new InferenceReply(400, Map.of("Content-Type", "text/plain"), cause.getMessage().getBytes());
                }
                return echoed(request, new String(bytes, StandardCharsets.UTF_8));
            });
        }
        if (request.path().equals("/boom")) {
            throw new IllegalStateException("boom");
        }
        if (request.path().equals("/after")) { // work after the answer: waits until the client has read it
            return CompletableFuture.completedFuture(new InferenceReply(200, Map.of("Content-Type", "text/plain"),
                    "answered".getBytes(), () -> {
                        try {
                            seen.add(clientHasAnswer.await(5, java.util.concurrent.TimeUnit.SECONDS)
                                    ? "after the answer" : "before the answer");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IllegalStateException("failing work after the answer");
                    }));
        }
        return CompletableFuture.completedFuture(echoed(request, ""));
    }

    private InferenceReply echoed(ScoringRequest request, String body) {
        String line = request.method() + " " + request.path() + " x=" + request.header("X-Thing") + " body=" + body;
        seen.add(line);
        return new InferenceReply(200, Map.of("Content-Type", "text/plain"), line.getBytes(StandardCharsets.UTF_8));
    }

    private Socket start(ListenerSettings settings) throws IOException {
        Socket socket = new Socket("127.0.0.1", startServer(settings));
        socket.setSoTimeout(5000);
        return socket;
    }

    private Socket start() throws IOException {
        return start(ListenerSettings.defaults("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        closeServer();
    }

    /** One response: status line, headers (lower-case names) and body, read by its Content-Length. */
    private record Response(int status, Map<String, String> headers, String body) {
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        java.util.HashMap<String, String> headers = new java.util.HashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(), line.substring(colon + 1).strip());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new java.io.EOFException("closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void servesRequestsOneAfterAnotherOnAKeptAliveConnection() throws IOException {
        try (Socket socket = start()) {
            send(socket, "POST /read HTTP/1.1\r\nHost: x\r\nX-Thing: one\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /other?q=1 HTTP/1.1\r\nhost: x\r\nx-thing: two\r\n\r\n");
            Response first = read(socket.getInputStream());
            Response second = read(socket.getInputStream());
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("POST /read x=one body=hello");
            assertThat(first.headers()).containsEntry("content-type", "text/plain").doesNotContainKey("connection");
            assertThat(second.body()).isEqualTo("GET /other x=two body=");
        }
    }

    @Test
    void decodesAChunkedBody() throws IOException {
        try (Socket socket = start()) {
            send(socket, "POST /read HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nTrailer: t\r\n\r\n");
            assertThat(read(socket.getInputStream()).body()).isEqualTo("POST /read x=null body=abcdefg");
            send(socket, "GET /again HTTP/1.1\r\n\r\n");
            assertThat(read(socket.getInputStream()).body()).startsWith("GET /again");
        }
    }

    @Test
    void answers100ContinueOnlyWhenTheBodyIsWanted() throws IOException {
        try (Socket socket = start()) {
            send(socket, "POST /read HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            assertThat(line(socket.getInputStream())).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(line(socket.getInputStream())).isEmpty();
            send(socket, "abc");
            assertThat(read(socket.getInputStream()).body()).isEqualTo("POST /read x=null body=abc");
        }
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5000);
            // Not read by the handler: a final answer at once, and the connection closes (the body never came).
            send(socket, "POST /ignored HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(closedByServer(socket)).isTrue();
        }
    }

    @Test
    void anUnreadSmallBodyIsSkippedAndTheNextRequestStillParses() throws IOException {
        try (Socket socket = start()) {
            send(socket, "POST /ignored HTTP/1.1\r\nContent-Length: 7\r\n\r\n1234567GET /next HTTP/1.1\r\n\r\n");
            assertThat(read(socket.getInputStream()).body()).isEqualTo("POST /ignored x=null body=");
            assertThat(read(socket.getInputStream()).body()).isEqualTo("GET /next x=null body=");
            assertThat(seen).hasSize(2);
        }
    }

    @Test
    void aBodyOverTheHandlersLimitIs413AndClosesTheConnection() throws IOException {
        try (Socket socket = start()) {
            send(socket, "POST /read HTTP/1.1\r\nContent-Length: 101\r\n\r\n");
            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).contains("101 bytes").contains("at most 100");
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(closedByServer(socket)).isTrue();
        }
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5000);
            send(socket, "POST /read HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n60\r\n" + "x".repeat(96)
                    + "\r\n10\r\n");
            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(413);
            assertThat(closedByServer(socket)).isTrue();
        }
    }

    @Test
    void malformedRequestsGetTheirStatusAndAClearMessage() throws IOException {
        record Case(String request, int status, String says) {
        }
        List<Case> cases = List.of(
                new Case("NONSENSE\r\n\r\n", 400, "Malformed request line"),
                new Case("GET  /x HTTP/1.1\r\n\r\n", 400, "Malformed request line"),
                new Case("GET /x HTTP/1.1 more\r\n\r\n", 400, "Malformed request line"),
                new Case("GET /x\r\n\r\n", 400, "Malformed request line"),
                new Case("GET /x HTTP/2.0\r\n\r\n", 505, "HTTP/2.0"),
                new Case("GET /x HTTP/1.1\r\nHost : x\r\n\r\n", 400, "may not begin or end with whitespace"),
                new Case("POST /x HTTP/1.1\r\nCONTENT-LENGTH: 1\r\ncontent-length: 2\r\n\r\n", 400, "Conflicting"),
                new Case("GET x HTTP/1.1\r\n\r\n", 400, "starting with '/'"),
                new Case("GET /x HTTP/1.1\r\nno colon here\r\n\r\n", 400, "name: value"),
                new Case("GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400, "Folded"),
                new Case("POST /x HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", 400, "not a number"),
                new Case("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "Conflicting"),
                new Case("POST /x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                        "not both"),
                new Case("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "gzip"),
                new Case("POST /x HTTP/1.1\r\nExpect: magic\r\n\r\n", 417, "100-continue"),
                new Case("GET /x HTTP/1.1\r\nBig: " + "y".repeat(70 * 1024) + "\r\n\r\n", 431, "65536 bytes"));
        start().close();
        for (Case c : cases) {
            try (Socket socket = new Socket("127.0.0.1", port())) {
                socket.setSoTimeout(5000);
                send(socket, c.request());
                Response response = read(socket.getInputStream());
                assertThat(response.status()).as(c.request()).isEqualTo(c.status());
                assertThat(response.headers()).containsEntry("content-type", "application/json");
                assertThat(response.body()).as(c.request()).contains("\"error\"").contains(c.says());
                assertThat(closedByServer(socket)).isTrue();
            }
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void aHandlerThatThrowsIsA500AndTheConnectionLives() throws IOException {
        try (Socket socket = start()) {
            send(socket, "GET /boom HTTP/1.1\r\n\r\n");
            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.body()).contains("InternalError").contains("boom");
            send(socket, "GET /fine HTTP/1.1\r\n\r\n");
            assertThat(read(socket.getInputStream()).status()).isEqualTo(200);
        }
    }

    @Test
    void workAfterTheAnswerRunsOnceTheClientHasItAndItsFailureKeepsTheConnection() throws Exception {
        try (Socket socket = start()) {
            send(socket, "GET /after HTTP/1.1\r\n\r\n");
            assertThat(read(socket.getInputStream()).body()).isEqualTo("answered");
            clientHasAnswer.countDown();
            send(socket, "GET /next HTTP/1.1\r\n\r\n");
            assertThat(read(socket.getInputStream()).status()).isEqualTo(200);
            assertThat(seen).containsExactly("after the answer", "GET /next x=null body=");
        }
    }

    @Test
    void idleConnectionsCloseAndSlowRequestsTimeOutWith408() throws IOException {
        ListenerSettings quick = new ListenerSettings("127.0.0.1", 0, 16, 64 * 1024, Duration.ofMillis(300),
                Duration.ofMillis(300));
        try (Socket socket = start(quick)) {
            send(socket, "GET /a HTTP/1.1\r\n\r\n");
            assertThat(read(socket.getInputStream()).status()).isEqualTo(200);
            assertThat(closedByServer(socket)).isTrue(); // nothing more sent: closed after the idle timeout
        }
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5000);
            send(socket, "GET /a HTTP/1.1\r\nHost: half"); // and then nothing
            Response response = read(socket.getInputStream());
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.body()).contains("did not arrive");
        }
    }

    @Test
    void connectionsOverTheLimitAre503AndTheFirstKeepsWorking() throws IOException {
        ListenerSettings one = new ListenerSettings("127.0.0.1", 0, 1, 64 * 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
        try (Socket first = start(one); Socket second = new Socket("127.0.0.1", port())) {
            send(first, "GET /a HTTP/1.1\r\n\r\n");
            assertThat(read(first.getInputStream()).status()).isEqualTo(200);
            second.setSoTimeout(5000);
            Response refused = read(second.getInputStream());
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("TooManyConnections").contains("1 open connections");
            send(first, "GET /b HTTP/1.1\r\n\r\n");
            assertThat(read(first.getInputStream()).status()).isEqualTo(200);
            assertThat(acceptedConnections()).isEqualTo(1);
            assertThat(refusedConnections()).isEqualTo(1);
        }
    }

    @Test
    void http10ClosesAfterTheAnswerAndHeadSendsNoBody() throws IOException {
        try (Socket socket = start()) {
            send(socket, "GET /old HTTP/1.0\r\n\r\n");
            Response response = read(socket.getInputStream());
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(closedByServer(socket)).isTrue();
        }
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5000);
            send(socket, "HEAD /h HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertThat(line(in)).startsWith("HTTP/1.1 200");
            String header;
            do {
                header = line(in);
            } while (!header.isEmpty());
            assertThat(line(in)).as("the next response follows the HEAD's headers at once").startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void closingTheListenerClosesOpenConnections() throws IOException {
        try (Socket socket = start()) {
            send(socket, "GET /a HTTP/1.1\r\n\r\n");
            read(socket.getInputStream());
            assertThat(openConnections()).isEqualTo(1);
            closeServer();
            assertThat(closedByServer(socket)).isTrue();
        }
    }
}
