package dev.amlite.server;

import dev.amlite.serving.port.EventLoops;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerOptionsTest {
    private static final Path HOME = Path.of("/home/u");

    @Test
    void defaults() {
        ServerOptions options = ServerOptions.parse(List.of(), HOME);
        assertThat(options.dataDirectory()).isEqualTo(Path.of("/home/u/.amlite/data"));
        assertThat(options.port()).isEqualTo(8443);
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.plainHttp()).isFalse();
        assertThat(options.databaseUrl()).isEmpty();
        assertThat(options.throttling()).isEqualTo("standard");
        assertThat(options.accessTokenLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(options.inferencePort()).isEqualTo(8444);
        assertThat(options.inferenceMaxConnections()).isEqualTo(4096);
        assertThat(options.scoringIo()).isEqualTo(EventLoops.Transport.IO_URING);
    }

    @Test
    void scoringIoNamesATransportAndOnlyThat() {
        assertThat(ServerOptions.parse(List.of("--scoring-io", "epoll"), HOME).scoringIo())
                .isEqualTo(EventLoops.Transport.EPOLL);
        assertThat(ServerOptions.parse(List.of("--scoring-io=nio"), HOME).scoringIo())
                .isEqualTo(EventLoops.Transport.NIO);
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--scoring-io", "kqueue"), HOME))
                .hasMessage("--scoring-io: 'kqueue' is not a transport; use io_uring, epoll or nio.");
    }

    @Test
    void theInferencePortFollowsThePortUnlessGiven() {
        assertThat(ServerOptions.parse(List.of("--port", "9000"), HOME).inferencePort()).isEqualTo(9001);
        assertThat(ServerOptions.parse(List.of("--port", "0"), HOME).inferencePort()).isZero();
        assertThat(ServerOptions.parse(List.of("--inference-port", "7000"), HOME).inferencePort()).isEqualTo(7000);
        assertThat(ServerOptions.parse(List.of("--inference-port", "off"), HOME).inferencePort())
                .isEqualTo(ServerOptions.NO_INFERENCE_PORT);
        assertThat(ServerOptions.parse(List.of("--inference-max-connections", "10"), HOME).inferenceMaxConnections())
                .isEqualTo(10);
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--port", "9000", "--inference-port", "9000"), HOME))
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--port", "65535"), HOME))
                .hasMessageContaining("--inference-port");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--inference-port", "x"), HOME))
                .hasMessageContaining("--inference-port must be a number from 0 to 65535");
    }

    @Test
    void everyOptionMapsToItsField() {
        ServerOptions options = ServerOptions.parse(List.of("--data-dir", "/d", "--port=9000", "--host", "0.0.0.0",
                "--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--admin-password-file", "/p", "--db-url",
                "jdbc:postgresql://db/amlite", "--db-user", "am", "--db-password-file", "/dbp", "--master-key-file", "/mk",
                "--throttling", "azure", "--token-lifetime", "15m"), HOME);
        assertThat(options.dataDirectory()).isEqualTo(Path.of("/d"));
        assertThat(options.port()).isEqualTo(9000);
        assertThat(options.host()).isEqualTo("0.0.0.0");
        assertThat(options.tlsCertificate()).contains(Path.of("/c.pem"));
        assertThat(options.tlsKey()).contains(Path.of("/k.pem"));
        assertThat(options.adminPasswordFile()).contains(Path.of("/p"));
        assertThat(options.databaseUrl()).contains("jdbc:postgresql://db/amlite");
        assertThat(options.databaseUser()).contains("am");
        assertThat(options.databasePasswordFile()).contains(Path.of("/dbp"));
        assertThat(options.masterKeyFile()).contains(Path.of("/mk"));
        assertThat(options.throttling()).isEqualTo("azure");
        assertThat(options.accessTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void theReplicaTimeoutIsADurationOfASecondOrMore() {
        assertThat(ServerOptions.parse(List.of(), HOME).replicaTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ServerOptions.parse(List.of("--replica-timeout", "2m"), HOME).replicaTimeout())
                .isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--replica-timeout", "0s"), HOME))
                .hasMessage("--replica-timeout must be at least 1s, not '0s'.");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--replica-timeout", "soon"), HOME))
                .hasMessageContaining("is not a duration");
    }

    @Test
    void mistakesSayWhatIsAllowed() {
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--port", "99999"), HOME)).hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--tls-cert", "/c"), HOME)).hasMessageContaining("go together");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--http", "--host", "10.0.0.1"), HOME)).hasMessageContaining("loopback");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--token-lifetime", "soon"), HOME)).hasMessageContaining("90s");
        assertThatThrownBy(() -> ServerOptions.parse(List.of("--data-dir"), HOME)).hasMessageContaining("needs a value");
        assertThat(ServerOptions.duration("PT2H")).isEqualTo(Duration.ofHours(2));
    }
}
