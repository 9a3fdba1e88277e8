package dev.amlite.serving.runtime;

import dev.amlite.serving.supervisor.InstanceSpec;
import dev.amlite.serving.supervisor.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts Java deployments: each instance is a JVM of the same Java as the server running
 * {@link JavaInferenceServer} with the server's class path (which holds it and the scoring API); the user's code
 * is loaded inside in a class loader of its own.
 */
public final class JavaRuntime {
    /** The variables whose JVM options the JVM reads by itself. */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS",
            "_JAVA_OPTIONS");
    private static final Pattern CHOOSES_COLLECTOR = Pattern.compile("-XX:\\+Use\\w*GC\\b");
    private final String java;
    private final String classPath;

    public JavaRuntime(String java, String classPath) {
        this.java = java;
        this.classPath = classPath;
    }

    /** The Java and class path of this process. */
    public static JavaRuntime ofThisProcess() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        return new JavaRuntime(java, System.getProperty("java.class.path"));
    }

    /** Whether a scoring_script names Java code: a jar or a class name (a .py is Python). */
    public static boolean isJava(String scoringScript) {
        return scoringScript.endsWith(".jar") || scoringScript.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+")
                && !scoringScript.endsWith(".py");
    }

    public InstanceSpec instance(Path code, String scoringScript, Path modelDir, Map<String, String> environmentVariables,
                                 int maxConcurrentRequests, Probe readiness, Probe liveness) {
        Map<String, String> environment = new HashMap<>(environmentVariables);
        environment.put("AML_APP_ROOT", code.toAbsolutePath().toString());
        environment.put("AZUREML_ENTRY_SCRIPT", scoringScript);
        environment.put("AZUREML_MODEL_DIR", modelDir.toAbsolutePath().toString());
        environment.put("AMLITE_PORT", "0");
        // The router's way in (the port stays for probes and people); a deployment may set it to 0 in its
        // environment_variables to be reached over loopback TCP only.
        environment.putIfAbsent("AMLITE_LOCAL_SOCKET", "1");
        environment.put("AMLITE_MAX_CONCURRENT", Integer.toString(maxConcurrentRequests));
        // Instances end with the server, even one killed with SIGKILL: no orphaned processes holding ports.
        environment.put("AMLITE_EXIT_WITH_PARENT", "1");
        return new InstanceSpec(command(environmentVariables), environment, code, readiness, liveness);
    }

    /**
     * The instance's java command. The JIT is the JVM's default (C1, then C2 for hot code): a model that computes
     * served 1.27 times the requests at 0.69 times the CPU a request of C1 alone (docs/benchmarks.md, part 8). The serial collector suits a process
     * with one model and small requests, unless the deployment's JVM options (JDK_JAVA_OPTIONS, JAVA_TOOL_OPTIONS
     * or _JAVA_OPTIONS in its environment_variables, which the JVM reads itself) choose a collector: the JVM
     * refuses two.
     */
    List<String> command(Map<String, String> environmentVariables) {
        List<String> command = new ArrayList<>(List.of(java));
        if (JVM_OPTION_VARIABLES.stream().map(environmentVariables::get)
                .noneMatch(options -> options != null && CHOOSES_COLLECTOR.matcher(options).find())) {
            command.add("-XX:+UseSerialGC");
        }
        command.addAll(List.of("-Xshare:auto", "-cp", classPath, JavaInferenceServer.class.getName()));
        return command;
    }
}
