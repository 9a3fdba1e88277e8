package dev.amlite.serving.runtime;

import dev.amlite.serving.supervisor.InstanceSpec;
import dev.amlite.serving.supervisor.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts Java deployments: each instance is a JVM of the same Java as the server running
 * {@link JavaInferenceServer} with the server's class path (which holds it and the scoring API); the user's code
 * is loaded inside in a class loader of its own.
 */
public final class JavaRuntime {
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
        environment.put("AMLITE_LOCAL_SOCKET", "1"); // the router's way in; the port stays for probes and people
        environment.put("AMLITE_MAX_CONCURRENT", Integer.toString(maxConcurrentRequests));
        // Instances end with the server, even one killed with SIGKILL: no orphaned processes holding ports.
        environment.put("AMLITE_EXIT_WITH_PARENT", "1");
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", classPath, JavaInferenceServer.class.getName()));
        return new InstanceSpec(command, environment, code, readiness, liveness);
    }
}
