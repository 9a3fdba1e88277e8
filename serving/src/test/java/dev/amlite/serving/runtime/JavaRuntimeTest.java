package dev.amlite.serving.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaRuntimeTest {
    private final JavaRuntime runtime = new JavaRuntime("/opt/java/bin/java", "/opt/amlite/lib/server.jar");

    @Test
    void instancesRunTheJvmsOwnJitWithTheSerialCollector() {
        assertThat(runtime.command(Map.of("LOG_LEVEL", "debug"))).containsExactly("/opt/java/bin/java",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", "/opt/amlite/lib/server.jar",
                JavaInferenceServer.class.getName());
    }

    @Test
    void aCollectorChosenInTheDeploymentsJvmOptionsReplacesTheSerialOne() {
        for (String variable : new String[] {"JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"}) {
            assertThat(runtime.command(Map.of(variable, "-Xmx2g -XX:+UseZGC"))).as(variable)
                    .doesNotContain("-XX:+UseSerialGC").contains("-Xshare:auto");
        }
    }

    @Test
    void otherJvmOptionsKeepTheSerialCollector() {
        assertThat(runtime.command(Map.of("JDK_JAVA_OPTIONS", "-Xmx2g -XX:TieredStopAtLevel=1 -XX:-UseGCOverheadLimit")))
                .contains("-XX:+UseSerialGC");
    }
}
