package dev.amlite.serving.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.amlite.scoring.ScoringScript;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private JavaInferenceServer() {
    }

    public static void main(String[] args) throws Exception {
        Path appRoot = Path.of(System.getenv().getOrDefault("AML_APP_ROOT", ".")).toAbsolutePath();
        String entry = System.getenv().getOrDefault("AZUREML_ENTRY_SCRIPT", "");
        Path modelDir = Path.of(System.getenv().getOrDefault("AZUREML_MODEL_DIR", "."));
        int port = Integer.parseInt(System.getenv().getOrDefault("AMLITE_PORT", "0"));
        int concurrent = Math.max(1, Integer.parseInt(System.getenv().getOrDefault("AMLITE_MAX_CONCURRENT", "1")));
        long maxBody = Long.parseLong(System.getenv().getOrDefault("AMLITE_MAX_BODY", Long.toString(100L << 20)));
        if ("1".equals(System.getenv("AMLITE_EXIT_WITH_PARENT"))) {
            // Ends this instance when the server that started it is gone (even killed with SIGKILL): no orphans.
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                log("the server that started this instance is gone; exiting");
                Runtime.getRuntime().halt(0);
            }));
        }
        ScoringScript script = load(appRoot, entry);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        CountDownLatch ready = new CountDownLatch(1);
        Semaphore slots = new Semaphore(concurrent);
        ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/live", exchange -> answer(exchange, 200, "{\"status\": \"live\"}", null));
        server.createContext("/ready", exchange -> answer(exchange, ready.getCount() == 0 ? 200 : 503,
                ready.getCount() == 0 ? "{\"status\": \"ready\"}" : "{\"status\": \"initializing\"}", null));
        server.createContext("/score", exchange -> score(exchange, script, ready, slots, runs, maxBody));
        server.start();
        System.out.println("AMLITE-LISTENING " + server.getAddress().getPort());
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
    }

    private static void score(HttpExchange exchange, ScoringScript script, CountDownLatch ready, Semaphore slots,
                              ExecutorService runs, long maxBody) throws IOException {
        String requestId = exchange.getRequestHeaders().getFirst("x-request-id");
        if (!exchange.getRequestMethod().equals("POST")) {
            answer(exchange, 405, "{\"error\": \"POST /score\"}", requestId);
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
        }
        if (body.length > maxBody) {
            answer(exchange, 413, "{\"error\": \"The request body has more than " + maxBody + " bytes.\"}", requestId);
            return;
        }
        if (ready.getCount() > 0) {
            answer(exchange, 503, "{\"error\": \"The model is still initializing.\"}", requestId);
            return;
        }
        String timeoutHeader = exchange.getRequestHeaders().getFirst("x-amlite-timeout-ms");
        long timeoutMs = timeoutHeader == null ? 0 : Long.parseLong(timeoutHeader);
        String raw = new String(body, StandardCharsets.UTF_8);
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            Future<String> run = runs.submit(() -> script.run(raw));
            String result;
            try {
                result = timeoutMs > 0 ? run.get(timeoutMs, TimeUnit.MILLISECONDS) : run.get();
            } catch (TimeoutException e) {
                // Interrupts the run: code that waits, sleeps or checks its interrupt flag stops here.
                run.cancel(true);
                log("run() for request " + (requestId == null ? "-" : requestId) + " cancelled after " + timeoutMs
                        + " ms (request_timeout_ms)");
                answer(exchange, 408, "{\"error\": \"run() did not finish within " + timeoutMs + " ms and was "
                        + "cancelled.\"}", requestId);
                return;
            }
            answer(exchange, 200, result, requestId);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            log("run() failed for request " + (requestId == null ? "-" : requestId) + ": " + cause);
            cause.printStackTrace(System.err);
            answer(exchange, 500, "{\"error\": " + quote(cause.getClass().getSimpleName() + ": " + cause.getMessage())
                    + "}", requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slots.release();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json, String requestId) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (requestId != null) {
            exchange.getResponseHeaders().set("x-request-id", requestId);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
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
