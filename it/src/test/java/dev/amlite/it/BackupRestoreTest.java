package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OP-3's backup and restore, as an operator does it: {@code amlite server backup} from a running server through
 * the admin's login, {@code amlite server restore} into a new data directory with the master key, and a server
 * started on it that has the same resources, logins, keys and files. The metadata-only backup needs the blob files
 * copied beside it; one taken {@code --with-files} brings them (the jobs' logs among them) itself.
 */
class BackupRestoreTest {
    @TempDir
    Path temporary;

    @Test
    void aBackupTakenWhileServingComesBackAsANewServerWithItsSecretsAndFiles() throws Exception {
        Path dataA = temporary.resolve("a");
        Path dataB = temporary.resolve("b");
        Path backup = temporary.resolve("store.backup.gz");
        Path withFiles = temporary.resolve("whole.backup.zip");
        Path dataC = temporary.resolve("c");
        Path model = Files.createDirectories(temporary.resolve("model"));
        Files.writeString(model.resolve("weights.txt"), "w = 42\n");
        Path endpointYaml = temporary.resolve("endpoint.yml");
        Files.writeString(endpointYaml, "name: bk-ep\nauth_mode: key\n");
        String endpointKey;
        JsonNode workspaceKeys;
        Cli operator;
        try (TestServer a = TestServer.start(dataA)) {
            operator = Cli.withWorkspace(a, temporary.resolve("config-a"));
            operator.ok("ml", "model", "create", "-n", "kept", "-v", "1", "--path", model.toString(), "-o", "none");
            operator.ok("ml", "compute", "create", "-n", "cpu", "--type", "amlcompute", "--size", "Standard_DS1_v2",
                    "--max-instances", "1", "-o", "none");
            Path job = temporary.resolve("job.yml");
            Files.writeString(job, "command: echo logged-before-the-backup\nenvironment:\n  image: python:3.11\n"
                    + "compute: azureml:cpu\n");
            operator.ok("ml", "job", "create", "-f", job.toString(), "-n", "kept-job", "--stream", "-o", "none");
            operator.ok("ml", "online-endpoint", "create", "-f", endpointYaml.toString(), "-o", "none");
            endpointKey = operator.ok("ml", "online-endpoint", "get-credentials", "-n", "bk-ep", "--query",
                    "primaryKey", "-o", "tsv").strip();
            workspaceKeys = Json.parse(operator.ok("ml", "workspace", "list-keys", "-n", "mlw"));

            // An Owner of the subscription is not an Owner of the server: the backup holds every login's hash.
            operator.ok("ad", "user", "create", "--display-name", "Sub Owner", "--user-principal-name",
                    "owner@contoso.com", "--password", "Owner-pa55word", "-o", "none");
            operator.ok("role", "assignment", "create", "--assignee", "owner@contoso.com", "--role", "Owner",
                    "--scope", "/subscriptions/" + a.subscriptionId(), "-o", "none");
            Cli subscriptionOwner = new Cli(temporary.resolve("config-owner"));
            subscriptionOwner.ok("login", "--server", a.url(), "--username", "owner@contoso.com", "--password",
                    "Owner-pa55word", "--data-dir", dataA.toString(), "-o", "none");
            Cli.Result refused = subscriptionOwner.run("server", "backup", "--file", backup.toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("AuthorizationFailed").contains("Owner role assignment at '/'");
            assertThat(backup).doesNotExist();

            JsonNode taken = Json.parse(operator.ok("server", "backup", "--file", backup.toString()));
            assertThat(taken.path("rows").asLong()).isGreaterThan(10);
            assertThat(taken.path("file").asText()).isEqualTo(backup.toString());
            assertThat(Files.size(backup)).isEqualTo(taken.path("bytes").asLong());
            JsonNode whole = Json.parse(operator.ok("server", "backup", "--file", withFiles.toString(), "--with-files"));
            assertThat(whole.path("files").asLong()).as("the model's file and the job's log at least")
                    .isGreaterThanOrEqualTo(2);
            assertThat(whole.path("rows").asLong()).isGreaterThan(10);
        }

        Path typo = temporary.resolve("no-such.key");
        Cli.Result noKey = operator.run("server", "restore", "--file", backup.toString(), "--data-dir",
                dataB.toString(), "--master-key-file", typo.toString());
        assertThat(noKey.exitCode()).isEqualTo(1);
        assertThat(noKey.err()).contains("No such file").contains("no-such.key");
        assertThat(typo).as("a missing key file is not made up").doesNotExist();
        Path otherKey = temporary.resolve("other.key");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.writeString(otherKey, Base64.getEncoder().encodeToString(random));
        Cli.Result wrongKey = operator.run("server", "restore", "--file", backup.toString(), "--data-dir",
                dataB.toString(), "--master-key-file", otherKey.toString());
        assertThat(wrongKey.exitCode()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("another master key").contains("secrets/master.key");
        assertThat(dataB.resolve("db")).doesNotExist();

        Path keyA = dataA.resolve("secrets").resolve("master.key");
        String restored = operator.ok("server", "restore", "--file", backup.toString(), "--data-dir", dataB.toString(),
                "--master-key-file", keyA.toString());
        assertThat(restored).contains("Restored").contains("tables");
        assertThat(Files.readString(dataB.resolve("secrets").resolve("master.key"))).isEqualTo(Files.readString(keyA));
        Cli.Result again = operator.run("server", "restore", "--file", backup.toString(), "--data-dir",
                dataB.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already holds data").contains("new --data-dir");

        copyTree(dataA.resolve("blobs"), dataB.resolve("blobs"));
        try (TestServer b = TestServer.start(dataB)) {
            Cli user = new Cli(temporary.resolve("config-b"));
            user.ok("login", "--server", b.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", dataB.toString(), "-o", "none");
            user.ok("configure", "--defaults", "workspace=mlw", "group=rg1");
            assertThat(user.ok("group", "show", "-n", "rg1", "--query", "location", "-o", "tsv").strip())
                    .isEqualTo("japaneast");
            assertThat(user.ok("ml", "online-endpoint", "get-credentials", "-n", "bk-ep", "--query", "primaryKey",
                    "-o", "tsv").strip()).as("a key sealed by the first server, opened by the second")
                    .isEqualTo(endpointKey);
            assertThat(Json.parse(user.ok("ml", "workspace", "list-keys", "-n", "mlw"))).isEqualTo(workspaceKeys);
            Path out = temporary.resolve("out");
            user.ok("ml", "model", "download", "-n", "kept", "-v", "1", "--download-path", out.toString());
            assertThat(out.resolve("kept/model/weights.txt")).hasContent("w = 42");
            Cli owner = new Cli(temporary.resolve("config-owner-b"));
            owner.ok("login", "--server", b.url(), "--username", "owner@contoso.com", "--password", "Owner-pa55word",
                    "--data-dir", dataB.toString(), "-o", "none");
            assertThat(owner.ok("ml", "model", "list", "-w", "mlw", "-g", "rg1", "--query", "[].name", "-o", "tsv"))
                    .contains("kept");
        }

        // --with-files: nothing copied by hand.
        Path cut = temporary.resolve("cut.zip");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(withFiles), (int) Files.size(withFiles) / 2));
        Cli.Result refusedCut = operator.run("server", "restore", "--file", cut.toString(), "--data-dir",
                temporary.resolve("d").toString(), "--master-key-file", keyA.toString());
        assertThat(refusedCut.exitCode()).isEqualTo(1);
        assertThat(refusedCut.err()).contains("not a whole zip");
        assertThat(temporary.resolve("d").resolve("blobs")).doesNotExist();
        String wholeRestore = operator.ok("server", "restore", "--file", withFiles.toString(), "--data-dir",
                dataC.toString(), "--master-key-file", keyA.toString());
        assertThat(wholeRestore).containsPattern("Restored \\d+ rows of \\d+ tables and \\d+ files");
        assertThat(dataC.resolve(".restoring-files")).doesNotExist();
        try (TestServer c = TestServer.start(dataC)) {
            Cli user = new Cli(temporary.resolve("config-c"));
            user.ok("login", "--server", c.url(), "--username", "admin", "--password", TestServer.ADMIN_PASSWORD,
                    "--data-dir", dataC.toString(), "-o", "none");
            user.ok("configure", "--defaults", "workspace=mlw", "group=rg1");
            Path out = temporary.resolve("out-c");
            user.ok("ml", "model", "download", "-n", "kept", "-v", "1", "--download-path", out.toString());
            assertThat(out.resolve("kept/model/weights.txt")).hasContent("w = 42");
            assertThat(user.ok("ml", "job", "stream", "-n", "kept-job")).contains("logged-before-the-backup");
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
