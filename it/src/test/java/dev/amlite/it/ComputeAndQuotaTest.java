package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 6's compute and quota commands, through the CLI against a real server. */
class ComputeAndQuotaTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String refused(String... command) {
        Cli.Result result = cli.run(command);
        assertThat(result.exitCode()).as(result.out()).isNotZero();
        return result.err();
    }

    static JsonNode usage(String family) {
        for (JsonNode item : Json.parse(cli.ok("ml", "compute", "list-usage", "-l", "japaneast"))) {
            if (item.path("name").path("value").asText().equals(family)) {
                return item;
            }
        }
        throw new AssertionError("no usage row for " + family);
    }

    @Test
    void aClusterIsCreatedShownListedUpdatedAndCountedAgainstItsFamilysQuota() {
        int before = usage("standardDSv2Family").path("currentValue").asInt();
        JsonNode cluster = Json.parse(cli.ok("ml", "compute", "create", "-n", "cpu-cluster", "--type", "amlcompute",
                "--size", "Standard_DS3_v2", "--min-instances", "1", "--max-instances", "4",
                "--idle-time-before-scale-down", "120"));
        assertThat(cluster.path("type").asText()).isEqualTo("amlcompute");
        assertThat(cluster.path("min_instances").asInt()).isEqualTo(1);
        assertThat(cluster.path("max_instances").asInt()).isEqualTo(4);
        assertThat(cluster.path("idle_time_before_scale_down").asInt()).isEqualTo(120);
        assertThat(cluster.path("current_node_count").asInt()).as("min_instances nodes are kept").isEqualTo(1);
        // japaneast costs 1.18 x US East's 0.293 USD an hour for a DS3_v2.
        assertThat(cluster.path("cost_estimate").path("price_per_node_hour_usd").asDouble()).isEqualTo(0.346);
        assertThat(cluster.path("cost_estimate").path("max_cost_per_hour_usd").asDouble()).isEqualTo(1.383);
        assertThat(usage("standardDSv2Family").path("currentValue").asInt()).isEqualTo(before + 4);

        JsonNode updated = Json.parse(cli.ok("ml", "compute", "update", "-n", "cpu-cluster", "--min-instances", "0",
                "--max-instances", "2"));
        assertThat(updated.path("max_instances").asInt()).isEqualTo(2);
        assertThat(updated.path("size").asText()).isEqualTo("Standard_DS3_v2");
        assertThat(cli.ok("ml", "compute", "list", "-o", "table")).contains("cpu-cluster").contains("amlcompute");
        assertThat(Json.parse(cli.ok("ml", "compute", "list-nodes", "-n", "cpu-cluster"))).hasSizeLessThanOrEqualTo(1);

        cli.ok("ml", "compute", "delete", "-n", "cpu-cluster", "--yes");
        assertThat(cli.run("ml", "compute", "show", "-n", "cpu-cluster").exitCode()).isEqualTo(3);
        assertThat(usage("standardDSv2Family").path("currentValue").asInt()).isEqualTo(before);
    }

    @Test
    void aClusterMadeAgainAfterItsGroupsDeleteHasNoneOfTheOldOnesNodes() {
        int before = usage("standardDSv2Family").path("currentValue").asInt();
        String[] scope = {"-w", "mlw-again", "-g", "rg-again"};
        for (int minimum : new int[] {2, 0}) {
            cli.ok("group", "create", "-n", "rg-again", "-l", "japaneast", "-o", "none");
            cli.ok("ml", "workspace", "create", "-n", "mlw-again", "-g", "rg-again", "-o", "none");
            JsonNode cluster = Json.parse(cli.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute",
                    "--size", "Standard_DS1_v2", "--min-instances", String.valueOf(minimum), "--max-instances", "2",
                    scope[0], scope[1], scope[2], scope[3]));
            assertThat(cluster.path("current_node_count").asInt()).as("min_instances %d", minimum).isEqualTo(minimum);
            assertThat(Json.parse(cli.ok("ml", "compute", "list-nodes", "-n", "cpu", scope[0], scope[1], scope[2],
                    scope[3]))).hasSize(minimum);
            assertThat(usage("standardDSv2Family").path("currentValue").asInt()).isEqualTo(before + minimum);
            if (minimum > 0) {
                cli.ok("group", "delete", "-n", "rg-again", "--yes");
                assertThat(usage("standardDSv2Family").path("currentValue").asInt()).isEqualTo(before);
            }
        }
        cli.ok("group", "delete", "-n", "rg-again", "--yes");
    }

    @Test
    void aGpuClusterNeedsQuotaThatOnlyAnAdministratorGrants() throws Exception {
        String error = refused("ml", "compute", "create", "-n", "gpu", "--type", "amlcompute", "--size",
                "Standard_NC6s_v3", "-w", "mlw", "-g", "rg1");
        assertThat(error).contains("QuotaExceeded").contains("standardNCSv3Family").contains("japaneast")
                .contains("limit of 0 vCPUs").contains("usage of 0").contains("quota request create");
        assertThat(cli.run("ml", "compute", "show", "-n", "gpu").exitCode()).as("nothing was made").isEqualTo(3);
        assertThat(usage("standardNCSv3Family").path("limit").asInt()).isZero();

        cli.ok("ad", "user", "create", "--display-name", "Dana", "--user-principal-name", "dana@contoso.com",
                "--password", "Dana-pa55word", "-o", "none");
        String subscription = "/subscriptions/" + server.subscriptionId();
        cli.ok("role", "assignment", "create", "--assignee", "dana@contoso.com", "--role", "Contributor", "--scope",
                subscription, "-o", "none");
        Cli dana = new Cli(temporary.resolve("dana"));
        dana.ok("login", "--server", server.url(), "--username", "dana@contoso.com", "--password", "Dana-pa55word",
                "--data-dir", server.dataDirectory().toString());
        JsonNode asked = Json.parse(dana.ok("quota", "request", "create", "-l", "japaneast", "--family",
                "standardNCSv3Family", "--limit", "12", "--justification", "training", "-n", "gpu-1"));
        assertThat(asked.path("properties").path("status").asText()).isEqualTo("Pending");
        assertThat(asked.path("properties").path("requestedBy").asText()).isEqualTo("dana@contoso.com");
        Cli.Result self = dana.run("quota", "request", "approve", "-l", "japaneast", "-n", "gpu-1");
        assertThat(self.exitCode()).isNotZero();
        assertThat(self.err()).contains("AuthorizationFailed").contains("administrator");

        assertThat(Json.parse(cli.ok("quota", "request", "list", "-l", "japaneast")).get(0).path("name").asText())
                .isEqualTo("gpu-1");
        JsonNode approved = Json.parse(cli.ok("quota", "request", "approve", "-l", "japaneast", "-n", "gpu-1"));
        assertThat(approved.path("properties").path("status").asText()).isEqualTo("Approved");
        assertThat(approved.path("properties").path("decidedBy").asText()).isEqualTo("admin");
        assertThat(refused("quota", "request", "reject", "-l", "japaneast", "-n", "gpu-1")).contains("approved already");
        assertThat(usage("standardNCSv3Family").path("limit").asInt()).isEqualTo(12);

        dana.ok("configure", "--defaults", "workspace=mlw", "group=rg1");
        dana.ok("ml", "compute", "create", "-n", "gpu", "--type", "amlcompute", "--size", "Standard_NC6s_v3",
                "--min-instances", "2", "--max-instances", "2");
        assertThat(usage("standardNCSv3Family").path("currentValue").asInt()).isEqualTo(12);
        assertThat(refused("ml", "compute", "create", "-n", "gpu2", "--type", "amlcompute", "--size",
                "Standard_NC6s_v3")).contains("limit of 12 vCPUs and a usage of 12");
        cli.ok("ml", "compute", "delete", "-n", "gpu", "--yes");
    }

    @Test
    void anInstanceStopsAndStartsAndItsScheduleAndIdleShutdownFireOnTheTick() throws Exception {
        Path yaml = temporary.resolve("ci.yml");
        Files.writeString(yaml, """
                $schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json
                name: dev-box
                type: computeinstance
                size: Standard_DS3_v2
                idle_time_before_shutdown_minutes: 30
                schedules:
                  compute_start_stop:
                    - action: stop
                      trigger:
                        type: cron
                        start_time: "2024-03-10T21:21:07"
                        time_zone: Tokyo Standard Time
                        expression: 0 18 * * *
                """);
        JsonNode instance = Json.parse(cli.ok("ml", "compute", "create", "--file", yaml.toString()));
        assertThat(instance.path("state").asText()).isEqualTo("Running");
        assertThat(instance.path("idle_time_before_shutdown_minutes").asInt()).isEqualTo(30);
        assertThat(instance.path("schedules").path("compute_start_stop").get(0).path("trigger").path("expression").asText())
                .isEqualTo("0 18 * * *");
        int running = usage("standardDSv2Family").path("currentValue").asInt();

        assertThat(Json.parse(cli.ok("ml", "compute", "stop", "-n", "dev-box")).path("state").asText()).isEqualTo("Stopped");
        assertThat(usage("standardDSv2Family").path("currentValue").asInt()).as("a stopped instance holds no quota")
                .isEqualTo(running - 4);
        assertThat(refused("ml", "compute", "stop", "-n", "dev-box")).contains("stopped already");
        assertThat(Json.parse(cli.ok("ml", "compute", "start", "-n", "dev-box")).path("state").asText()).isEqualTo("Running");
        assertThat(Json.parse(cli.ok("ml", "compute", "restart", "-n", "dev-box")).path("state").asText()).isEqualTo("Running");

        // The schedule: the next 18:00 in Tokyo, handed to the scheduler's tick as "now".
        ZonedDateTime now = ZonedDateTime.now(ZoneId.of("Asia/Tokyo"));
        ZonedDateTime six = now.withHour(18).withMinute(0).withSecond(30).withNano(0);
        if (!six.isAfter(now.plusMinutes(1))) {
            six = six.plusDays(1);
        }
        server.computes().tick(six.toInstant());
        assertThat(Json.parse(cli.ok("ml", "compute", "show", "-n", "dev-box")).path("state").asText())
                .as("stopped by its 18:00 Tokyo schedule").isEqualTo("Stopped");

        cli.ok("ml", "compute", "delete", "-n", "dev-box", "--yes");

        // Idle shutdown, on an instance without a schedule (so that no 18:00 falls inside the ticks below).
        Path idle = temporary.resolve("idle.yml");
        Files.writeString(idle, "name: idle-box\ntype: computeinstance\nsize: Standard_DS3_v2\n"
                + "idle_time_before_shutdown_minutes: 30\n");
        cli.ok("ml", "compute", "create", "--file", idle.toString(), "-o", "none");
        server.computes().tick(Instant.now().plus(Duration.ofMinutes(10)));
        assertThat(Json.parse(cli.ok("ml", "compute", "show", "-n", "idle-box")).path("state").asText())
                .as("idle for 10 of its 30 minutes").isEqualTo("Running");
        server.computes().tick(Instant.now().plus(Duration.ofMinutes(31)));
        assertThat(Json.parse(cli.ok("ml", "compute", "show", "-n", "idle-box")).path("state").asText())
                .as("idle past idle_time_before_shutdown").isEqualTo("Stopped");
        cli.ok("ml", "compute", "delete", "-n", "idle-box", "--yes");
    }

    @Test
    void badComputesAreRefusedAndNothingIsMade() throws Exception {
        assertThat(refused("ml", "compute", "create", "-n", "c", "--type", "amlcompute", "--size", "Standard_DS3_v2"))
                .contains("InvalidResourceName").contains("2 to 16 characters");
        assertThat(refused("ml", "compute", "create", "-n", "under_score", "--type", "amlcompute", "--size",
                "Standard_DS3_v2")).contains("letters, digits and hyphens");
        assertThat(refused("ml", "compute", "create", "-n", "toolong-name-1234", "--type", "amlcompute", "--size",
                "Standard_DS3_v2")).contains("2 to 16 characters");
        assertThat(refused("ml", "compute", "create", "-n", "nosize", "--type", "amlcompute", "--size", "Standard_XL9"))
                .contains("'Standard_XL9' is not known").contains("list-sizes");
        assertThat(refused("ml", "compute", "create", "-n", "minmax", "--type", "amlcompute", "--size",
                "Standard_DS3_v2", "--min-instances", "3", "--max-instances", "1"))
                .contains("min_instances (3) is larger than max_instances (1)");
        Path cron = temporary.resolve("cron.yml");
        Files.writeString(cron, "name: badcron\ntype: computeinstance\nsize: Standard_DS3_v2\nschedules:\n"
                + "  compute_start_stop:\n    - action: stop\n      trigger:\n        type: cron\n"
                + "        expression: 0 25 * * *\n");
        assertThat(refused("ml", "compute", "create", "-f", cron.toString())).contains("'25' as its hour")
                .contains("0-23");
        assertThat(refused("ml", "compute", "create", "-n", "k8s", "--type", "kubernetes", "--size", "Standard_DS3_v2"))
                .contains("computeType 'kubernetes'").contains("AmlCompute");
        for (String name : new String[] {"nosize", "minmax", "badcron", "k8s"}) {
            assertThat(cli.run("ml", "compute", "show", "-n", name).exitCode()).isEqualTo(3);
        }
        // A size the region does not offer: ND96asr_v4 is not in Japan West.
        cli.ok("ml", "workspace", "create", "-n", "west", "-g", "rg1", "-l", "japanwest", "-o", "none");
        assertThat(refused("ml", "compute", "create", "-n", "big", "-w", "west", "--type", "amlcompute", "--size",
                "Standard_ND96asr_v4")).contains("not offered in region 'japanwest'");
        JsonNode sizes = Json.parse(cli.ok("ml", "compute", "list-sizes", "-l", "japanwest"));
        assertThat(sizes.findValuesAsText("name")).contains("Standard_DS3_v2").doesNotContain("Standard_ND96asr_v4");
    }
}
