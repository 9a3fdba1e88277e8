package dev.amlite.serving.runtime;

import dev.amlite.runtime.python.RuntimeFiles;
import dev.amlite.serving.supervisor.InstanceSpec;
import dev.amlite.serving.supervisor.Probe;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import static java.util.Objects.requireNonNull;

/**
 * Serves a {@code score.py} with amlite's stdlib-only inference server, run by a configurable interpreter (the
 * machine's first {@code python3} may not see the packages a model needs; Debian's {@code /usr/bin/python3} does).
 */
public final class PythonRuntime {
    private final String interpreter;
    private final Path server;

    private PythonRuntime(String interpreter, Path server) {
        this.interpreter = interpreter;
        this.server = server;
    }

    /** Writes the inference server into {@code directory} (replacing an older copy) and returns the runtime. */
    public static PythonRuntime install(String interpreter, Path directory) {
        requireNonNull(interpreter, "interpreter is null");
        return new PythonRuntime(interpreter, RuntimeFiles.write(RuntimeFiles.SERVER, directory));
    }

    /**
     * An instance serving {@code scoringScript} from {@code code} with the model at {@code modelDir}. The user's
     * environment variables come first; amlite's own (the paths, the port) win over them.
     */
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
        environment.put("PYTHONUNBUFFERED", "1");
        return new InstanceSpec(List.of(interpreter, server.toString()), environment, code, readiness, liveness);
    }

    public String interpreter() {
        return interpreter;
    }
}
