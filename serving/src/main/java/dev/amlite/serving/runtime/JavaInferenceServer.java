package dev.amlite.serving.runtime;

import dev.amlite.scoring.ScoringScript;
import dev.amlite.serving.listener.BodyTooLargeException;
import dev.amlite.serving.listener.InferenceListener;
import dev.amlite.serving.listener.InferenceReply;
import dev.amlite.serving.listener.InferenceRequest;
import dev.amlite.serving.listener.JsonText;
import dev.amlite.serving.listener.ListenerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The Java counterpart of the Python inference server (EP-8), run as its own JVM per instance: loads the
 * deployment's {@link ScoringScript} from its code (a jar, or classes and jars in the code folder) in a class
 * loader that sees only the scoring API of amlite, calls {@code init} once and {@code run} per {@code POST /score}.
 * Speaks the same protocol as the Python server (environment, {@code AMLITE-LISTENING <port>}, /live, /ready,
 * 500 with the error, 408 with the run interrupted past {@code x-amlite-timeout-ms}); exit 2 when the script
 * cannot be loaded, 3 when {@code init} throws.
 *
 * <p>{@code scoring_script} names a jar in the code folder (its class found through
 * {@code META-INF/services/dev.amlite.scoring.ScoringScript} or the manifest attribute {@code Amlite-Scoring-Class})
 * or a class name, loaded from the code folder's {@code classes/} and {@code *.jar}.
 */
public final class JavaInferenceServer {
    static final String MANIFEST_CLASS = "Amlite-Scoring-Class";
    /** Announces the Unix domain socket, before the port (the supervisor's {@code Instance} reads both). */
    static final String LISTENING_LOCAL = "AMLITE-LISTENING-LOCAL ";
    /** The longest socket path this accepts: Linux's limit is 107 bytes. */
    private static final int MAX_SOCKET_PATH = 100;

    private JavaInferenceServer() {
    }

    public static void main(String[] args) throws Exception {
        Path appRoot = Path.of(System.getenv().getOrDefault("AML_APP_ROOT", ".")).toAbsolutePath();
        String entry = System.getenv().getOrDefault("AZUREML_ENTRY_SCRIPT", "");
        Path modelDir = Path.of(System.getenv().getOrDefault("AZUREML_MODEL_DIR", "."));
        int port = Integer.parseInt(System.getenv().getOrDefault("AMLITE_PORT", "0"));
        int concurrent = Math.max(1, Integer.parseInt(System.getenv().getOrDefault("AMLITE_MAX_CONCURRENT", "1")));
        long maxBody = Long.parseLong(System.getenv().getOrDefault("AMLITE_MAX_BODY", Long.toString(100L << 20)));
        AtomicReference<InferenceListener> local = new AtomicReference<>();
        if ("1".equals(System.getenv("AMLITE_EXIT_WITH_PARENT"))) {
            // Ends this instance when the server that started it is gone (even killed with SIGKILL): no orphans, and
            // no socket left behind (the server would have removed it once this process was gone).
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                log("the server that started this instance is gone; exiting");
                InferenceListener socket = local.get();
                if (socket != null) {
                    socket.close();
                    socket.socketFile().getParent().toFile().delete();
                }
                Runtime.getRuntime().halt(0);
            }));
        }
        ScoringScript script = load(appRoot, entry);
        CountDownLatch ready = new CountDownLatch(1);
        Scorer scorer = new Scorer(script, ready, new Semaphore(concurrent), new RunDeadlines(), maxBody);
        // The same small HTTP/1.1 server as the scoring port: a platform thread per connection, and run() called
        // on it (the JDK's HttpServer cost about 200 µs of CPU per request here, measured).
        ListenerSettings settings = new ListenerSettings(InetAddress.getLoopbackAddress().getHostAddress(), port, 4096,
                64 * 1024, Duration.ofMinutes(10), Duration.ofSeconds(30));
        InferenceListener server = InferenceListener.bind(settings, null);
        server.start(scorer::handle);
        if ("1".equals(System.getenv("AMLITE_LOCAL_SOCKET"))) {
            local.set(bindLocal(settings));
            if (local.get() != null) {
                local.get().start(scorer::handle);
                System.out.println(LISTENING_LOCAL + local.get().socketFile());
            }
        }
        System.out.println("AMLITE-LISTENING " + server.port());
        System.out.flush();
        try {
            script.init(modelDir);
        } catch (Throwable e) {
            log("init() of the scoring class " + script.getClass().getName() + " threw:");
            e.printStackTrace(System.err);
            System.err.flush();
            System.exit(3);
        }
        ready.countDown();
        log("init() done; serving " + script.getClass().getName() + " with model dir " + modelDir);
        new CountDownLatch(1).await(); // the listener's threads are daemons: this thread keeps the JVM up
    }

    /**
     * A Unix domain socket in a new folder of the temporary directory (only this user may enter it), for the router:
     * cheaper per request than loopback TCP. Null, with the reason on stderr, when it cannot be had (a temporary
     * directory with too long a path, say): the router then uses the TCP port, as for any instance.
     */
    private static InferenceListener bindLocal(ListenerSettings settings) {
        try {
            Path folder = Files.createTempDirectory("amlite-i");
            Path file = folder.resolve("amlite.sock");
            if (file.toString().length() > MAX_SOCKET_PATH) {
                Files.delete(folder);
                log("no local socket: " + file + " has " + file.toString().length() + " characters, a socket path at most "
                        + MAX_SOCKET_PATH + " (it is made in java.io.tmpdir); serving on TCP only");
                return null;
            }
            return InferenceListener.bindLocal(file, settings);
        } catch (IOException | RuntimeException e) {
            log("no local socket (" + e.getMessage() + "); serving on TCP only");
            return null;
        }
    }

    /** Answers /live, /ready and /score for one loaded scoring class. */
    private record Scorer(ScoringScript script, CountDownLatch ready, Semaphore slots, RunDeadlines deadlines,
                          long maxBody) {
        InferenceReply handle(InferenceRequest request) {
            String requestId = request.header("x-request-id");
            return switch (request.path()) {
                case "/live" -> answer(200, "{\"status\": \"live\"}", requestId);
                case "/ready" -> ready.getCount() == 0 ? answer(200, "{\"status\": \"ready\"}", requestId)
                        : answer(503, "{\"status\": \"initializing\"}", requestId);
                case "/score" -> request.method().equals("POST") ? score(request, requestId)
                        : answer(405, "{\"error\": \"POST /score\"}", requestId);
                default -> answer(404, "{\"error\": \"No such path; POST /score, GET /live or /ready.\"}", requestId);
            };
        }

        private InferenceReply score(InferenceRequest request, String requestId) {
            byte[] body;
            try {
                body = request.body(maxBody);
            } catch (BodyTooLargeException e) {
                return answer(413, "{\"error\": \"The request body has more than " + maxBody + " bytes.\"}", requestId);
            } catch (IOException e) {
                return answer(400, "{\"error\": " + JsonText.quote("The request body could not be read: " + e.getMessage())
                        + "}", requestId);
            }
            if (ready.getCount() > 0) {
                return answer(503, "{\"error\": \"The model is still initializing.\"}", requestId);
            }
            String timeoutHeader = request.header("x-amlite-timeout-ms");
            long timeoutMs = timeoutHeader == null ? 0 : Long.parseLong(timeoutHeader);
            String raw = new String(body, StandardCharsets.UTF_8);
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer(503, "{\"error\": \"The instance is stopping.\"}", requestId);
            }
            try {
                RunDeadlines.Armed armed = timeoutMs > 0 ? deadlines.arm(timeoutMs) : null;
                String result;
                Throwable failure = null;
                try {
                    result = script.run(raw);
                } catch (Throwable e) {
                    result = null;
                    failure = e;
                }
                // Interrupted at the deadline: code that waits, sleeps or checks its interrupt flag stopped there.
                if (armed != null && armed.disarm()) {
                    log("run() for request " + (requestId == null ? "-" : requestId) + " cancelled after " + timeoutMs
                            + " ms (request_timeout_ms)");
                    return answer(408, "{\"error\": \"run() did not finish within " + timeoutMs + " ms and was "
                            + "cancelled.\"}", requestId);
                }
                if (failure != null) {
                    log("run() failed for request " + (requestId == null ? "-" : requestId) + ": " + failure);
                    failure.printStackTrace(System.err);
                    System.err.flush();
                    return answer(500, "{\"error\": " + JsonText.quote(failure.getClass().getSimpleName() + ": "
                            + failure.getMessage()) + "}", requestId);
                }
                return answer(200, result, requestId);
            } finally {
                slots.release();
            }
        }
    }

    private static InferenceReply answer(int status, String json, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (requestId != null) {
            headers.put("x-request-id", requestId);
        }
        return new InferenceReply(status, headers, (json == null ? "null" : json).getBytes(StandardCharsets.UTF_8));
    }

    /** Finds and instantiates the scoring class; exits 2 with the reason when it cannot. */
    static ScoringScript load(Path appRoot, String entry) {
        try {
            List<URL> urls = new ArrayList<>();
            String className = null;
            if (entry.endsWith(".jar")) {
                Path jar = appRoot.resolve(entry).normalize();
                if (!Files.isRegularFile(jar)) {
                    fail("the scoring jar '" + entry + "' is not in the code folder (" + appRoot + ").");
                }
                urls.add(jar.toUri().toURL());
                try (JarFile file = new JarFile(jar.toFile())) {
                    if (file.getManifest() != null) {
                        className = file.getManifest().getMainAttributes().getValue(MANIFEST_CLASS);
                    }
                }
            } else {
                className = entry;
            }
            Path classes = appRoot.resolve("classes");
            if (Files.isDirectory(classes)) {
                urls.add(classes.toUri().toURL());
            }
            urls.add(appRoot.toUri().toURL());
            try (Stream<Path> jars = Files.list(appRoot)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    URL url = jar.toUri().toURL();
                    if (!urls.contains(url)) {
                        urls.add(url);
                    }
                }
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), new ScoringApiOnly());
            if (className == null) {
                var found = ServiceLoader.load(ScoringScript.class, loader).findFirst();
                if (found.isEmpty()) {
                    fail("the jar '" + entry + "' names no scoring class: add META-INF/services/"
                            + ScoringScript.class.getName() + " or the manifest attribute " + MANIFEST_CLASS + ".");
                }
                return found.get();
            }
            Class<?> type;
            try {
                type = Class.forName(className, true, loader);
            } catch (ClassNotFoundException e) {
                fail("the scoring class '" + className + "' is not in the code folder (" + appRoot + "; looked in "
                        + "classes/ and the jars there).");
                return null;
            }
            if (!ScoringScript.class.isAssignableFrom(type)) {
                fail("the class '" + className + "' does not implement " + ScoringScript.class.getName()
                        + " (init(Path) and run(String)).");
            }
            return (ScoringScript) type.getDeclaredConstructor().newInstance();
        } catch (MalformedURLException e) {
            fail("the code folder cannot be read: " + e.getMessage());
        } catch (IOException | ReflectiveOperationException | LinkageError | RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            fail("loading the scoring class failed: " + e + "\n" + trace);
        }
        return null;
    }

    private static void fail(String message) {
        System.err.println("amlite: " + message);
        System.err.flush();
        System.exit(2);
    }

    private static void log(String message) {
        System.err.println(LocalDateTime.now() + " INFO amlite.inference: " + message);
        System.err.flush();
    }

    /** The parent of the user's class loader: the JDK and amlite's scoring API, nothing of amlite's own libraries. */
    private static final class ScoringApiOnly extends ClassLoader {
        ScoringApiOnly() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.amlite.scoring.")) {
                return JavaInferenceServer.class.getClassLoader().loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
