package dev.amlite.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 4's "what a user can do", through the amlite CLI against a real server with amlite's own blob store. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AssetsWalkthroughTest {
    @TempDir
    static Path temporary;
    static TestServer server;
    static Cli cli;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(temporary.resolve("data"));
        cli = Cli.withWorkspace(server, temporary.resolve("config"));
        work = temporary.resolve("work");
        Files.createDirectories(work);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String error(Cli.Result result) {
        assertThat(result.exitCode()).as(result.out()).isNotZero();
        return result.err();
    }

    @Test
    @Order(1)
    void defaultDatastoresComeWithTheWorkspaceWithoutCredentials() throws Exception {
        JsonNode stores = Json.parse(cli.ok("ml", "datastore", "list", "-w", "mlw", "-g", "rg1"));
        assertThat(stores).hasSize(2);
        assertThat(stores.findValuesAsText("name")).containsExactlyInAnyOrder("workspaceblobstore", "workspacefilestore");
        JsonNode blob = Json.parse(cli.ok("ml", "datastore", "show", "-n", "workspaceblobstore"));
        assertThat(blob.path("type").asText()).isEqualTo("azure_blob");
        assertThat(blob.path("is_default").asBoolean()).isTrue();
        assertThat(blob.path("container_name").asText()).startsWith("azureml-blobstore-");
        assertThat(blob.path("credentials").size()).isZero();
        String key = cli.ok("storage", "account", "keys", "list", "-n", blob.path("account_name").asText(), "-g", "rg1",
                "--query", "[0].value", "-o", "tsv").strip();
        assertThat(cli.ok("ml", "datastore", "list")).doesNotContain(key);
        // listSecrets is the one way to the key, for callers allowed to call it.
        JsonNode secrets = server.call("POST", blob.path("id").asText() + "/listSecrets?api-version=2024-04-01",
                server.adminToken(), (String) null).body();
        assertThat(secrets.path("key").asText()).isEqualTo(key);
        assertThat(cli.ok("ml", "datastore", "list", "-o", "table")).contains("workspaceblobstore").contains("True");
    }

    @Test
    @Order(2)
    void blobDatastoreCreateUpdateCredentialsAndUnregister() throws Exception {
        cli.ok("storage", "account", "create", "-n", "extstore1", "-g", "rg1");
        List<String> keys = List.of(cli.ok("storage", "account", "keys", "list", "-n", "extstore1", "-g", "rg1",
                "--query", "[].value", "-o", "tsv").strip().split("\\s+"));
        Path yaml = work.resolve("blob-datastore.yml");
        Files.writeString(yaml, """
                $schema: https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json
                name: mystore
                type: azure_blob
                description: Training data
                account_name: extstore1
                container_name: data-container
                credentials:
                  account_key: %s
                """.formatted(keys.get(0)));
        JsonNode created = Json.parse(cli.ok("ml", "datastore", "create", "--file", yaml.toString()));
        assertThat(created.path("name").asText()).isEqualTo("mystore");
        assertThat(created.toString()).doesNotContain(keys.get(0));
        JsonNode arm = server.call("GET", created.path("id").asText() + "?api-version=2024-04-01", server.adminToken(), (String) null).body();
        assertThat(arm.path("properties").path("credentials").path("credentialsType").asText()).isEqualTo("AccountKey");
        assertThat(arm.toString()).doesNotContain(keys.get(0));

        // A wrong key, and a credential type a file share does not take, are refused and change nothing.
        assertThat(error(cli.run("ml", "datastore", "update", "-n", "mystore", "--set",
                "credentials.account_key=" + "A".repeat(88))))
                .contains("DatastoreValidationFailed").contains("neither key of storage account 'extstore1'");
        Path file = work.resolve("file-datastore.yml");
        Files.writeString(file, """
                name: myshare
                type: azure_file
                account_name: extstore1
                file_share_name: share1
                credentials:
                  tenant_id: t
                  client_id: c
                  client_secret: s
                """);
        assertThat(error(cli.run("ml", "datastore", "create", "--file", file.toString())))
                .contains("AzureFile datastore takes credentials of type AccountKey, Sas");

        // Seed 000's "update credentials": the regenerated key goes in, listSecrets returns it.
        cli.ok("storage", "account", "keys", "renew", "-n", "extstore1", "-g", "rg1", "--key", "primary");
        String renewed = cli.ok("storage", "account", "keys", "list", "-n", "extstore1", "-g", "rg1",
                "--query", "[0].value", "-o", "tsv").strip();
        cli.ok("ml", "datastore", "update", "-n", "mystore", "--set", "credentials.account_key=" + renewed,
                "--set", "description=Rotated");
        JsonNode secrets = server.call("POST", created.path("id").asText() + "/listSecrets?api-version=2024-04-01",
                server.adminToken(), (String) null).body();
        assertThat(secrets.path("key").asText()).isEqualTo(renewed);
        assertThat(cli.ok("ml", "datastore", "show", "-n", "mystore", "--query", "description", "-o", "tsv").strip())
                .isEqualTo("Rotated");

        assertThat(error(cli.run("ml", "datastore", "delete", "-n", "workspaceblobstore")))
                .contains("default and cannot be unregistered");
        cli.ok("ml", "datastore", "delete", "-n", "mystore");
        assertThat(Json.parse(cli.ok("ml", "datastore", "list")).findValuesAsText("name")).doesNotContain("mystore");
    }

    @Test
    @Order(3)
    void modelFolderUploadsRegistersListsAndDownloadsIntact() throws Exception {
        Path model = work.resolve("model");
        Files.createDirectories(model.resolve("sub"));
        byte[] weights = new byte[3 * 1024 * 1024 + 17];
        new Random(4).nextBytes(weights);
        Files.write(model.resolve("weights.bin"), weights);
        Files.writeString(model.resolve("sub").resolve("config.json"), "{\"alpha\": 0.5}");
        Cli.Result created = cli.run("ml", "model", "create", "-w", "mlw", "-g", "rg1", "--name", "reg", "--version", "1",
                "--path", model.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.err()).contains("2/2 files");
        JsonNode v1 = Json.parse(created.out());
        assertThat(v1.path("version").asText()).isEqualTo("1");
        assertThat(v1.path("type").asText()).isEqualTo("custom_model");
        assertThat(v1.path("path").asText()).startsWith("azureml://subscriptions/" + server.subscriptionId())
                .contains("/workspaces/mlw/datastores/workspaceblobstore/paths/LocalUpload/").endsWith("/model/");

        // The YAML form, paths relative to the YAML's folder, the version numbered automatically.
        Path yaml = work.resolve("model.yml");
        Files.writeString(yaml, """
                $schema: https://azuremlschemas.azureedge.net/latest/model.schema.json
                name: reg
                path: model
                description: second
                tags:
                  stage: test
                """);
        JsonNode v2 = Json.parse(cli.ok("ml", "model", "create", "--file", yaml.toString()));
        assertThat(v2.path("version").asText()).isEqualTo("2");
        assertThat(v2.path("tags").path("stage").asText()).isEqualTo("test");

        String table = cli.ok("ml", "model", "list", "-w", "mlw", "-g", "rg1", "-o", "table");
        assertThat(table.lines().findFirst().orElseThrow()).contains("Name").contains("LatestVersion");
        assertThat(table).contains("reg").contains("2");
        assertThat(Json.parse(cli.ok("ml", "model", "list", "-n", "reg")).findValuesAsText("version")).containsExactly("2", "1");
        assertThat(cli.ok("ml", "model", "show", "-n", "reg", "--label", "latest", "--query", "version", "-o", "tsv").strip())
                .isEqualTo("2");

        Path out = work.resolve("out");
        cli.ok("ml", "model", "download", "-w", "mlw", "-g", "rg1", "-n", "reg", "-v", "1", "--download-path", out.toString());
        assertThat(Files.readAllBytes(out.resolve("reg/model/weights.bin"))).isEqualTo(weights);
        assertThat(Files.readString(out.resolve("reg/model/sub/config.json"))).isEqualTo("{\"alpha\": 0.5}");

        // Archive hides a version from lists, restore brings it back.
        cli.ok("ml", "model", "archive", "-n", "reg", "-v", "1");
        assertThat(Json.parse(cli.ok("ml", "model", "list", "-n", "reg")).findValuesAsText("version")).containsExactly("2");
        assertThat(Json.parse(cli.ok("ml", "model", "list", "-n", "reg", "--include-archived")).size()).isEqualTo(2);
        cli.ok("ml", "model", "restore", "-n", "reg", "-v", "1");
        assertThat(Json.parse(cli.ok("ml", "model", "list", "-n", "reg")).size()).isEqualTo(2);

        // Update changes what may change (description, tags, stage) and keeps the rest; the files never change.
        cli.ok("ml", "model", "update", "-n", "reg", "-v", "1", "--set", "description=first", "tags.team=ml",
                "tags.old=x", "stage=Production", "-o", "none");
        JsonNode updated = Json.parse(cli.ok("ml", "model", "update", "-n", "reg", "-v", "1", "--remove", "tags.old"));
        assertThat(updated.path("description").asText()).isEqualTo("first");
        assertThat(updated.path("stage").asText()).isEqualTo("Production");
        assertThat(updated.path("tags").properties()).extracting(java.util.Map.Entry::getKey).containsExactly("team");
        assertThat(Json.parse(cli.ok("ml", "model", "show", "-n", "reg", "-v", "1")).path("tags").path("team").asText())
                .isEqualTo("ml");
        Cli.Result content = cli.run("ml", "model", "update", "-n", "reg", "-v", "1", "--set", "path=/elsewhere");
        assertThat(content.exitCode()).isEqualTo(2);
        assertThat(content.err()).contains("'path=/elsewhere' is not one").contains("register a new version");
        assertThat(cli.ok("ml", "model", "show", "-n", "reg", "-v", "1", "--query", "path", "-o", "tsv"))
                .doesNotContain("elsewhere");
    }

    @Test
    @Order(4)
    void badModelInputsAreRefusedAndRegisterNothing() throws Exception {
        // The same files again under the same version are the same registration; other files are not.
        assertThat(cli.run("ml", "model", "create", "--name", "reg", "--version", "1", "--path",
                work.resolve("model").toString()).exitCode()).isZero();
        Path other = work.resolve("model-b");
        Files.createDirectories(other);
        Files.writeString(other.resolve("weights.bin"), "other");
        assertThat(error(cli.run("ml", "model", "create", "--name", "reg", "--version", "1", "--path", other.toString())))
                .contains("version '1' already exists and it differs in modelUri").contains("immutable");
        assertThat(error(cli.run("ml", "model", "create", "--name", "ghost", "--path", work.resolve("nowhere").toString())))
                .contains("does not exist");
        Path empty = Files.createDirectories(work.resolve("empty").resolve("inner"));
        assertThat(error(cli.run("ml", "model", "create", "--name", "ghost", "--path", empty.getParent().toString())))
                .contains("has no files: there is nothing to upload");
        assertThat(error(cli.run("ml", "model", "create", "--name", "ghost", "--path",
                "azureml://datastores/workspaceblobstore/paths/LocalUpload/none/model/")))
                .contains("UploadIncomplete").contains("No files are at");
        assertThat(error(cli.run("ml", "model", "create", "--name", "ghost", "--path",
                "azureml://datastores/nostore/paths/x"))).contains("Datastore 'nostore' does not exist");
        assertThat(error(cli.run("ml", "model", "show", "-n", "reg", "-v", "9"))).contains("ResourceNotFound");
        Path escape = work.resolve("escape");
        Files.createDirectories(escape);
        Files.writeString(work.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(escape.resolve("link.txt"), work.resolve("secret.txt"));
        assertThat(error(cli.run("ml", "model", "create", "--name", "ghost", "--path", escape.toString())))
                .contains("symbolic link").contains("outside the folder being uploaded");
        Path badYaml = work.resolve("bad-model.yml");
        Files.writeString(badYaml, "name: ghost\npath: model\nflavour: x\n");
        assertThat(error(cli.run("ml", "model", "create", "--file", badYaml.toString())))
                .contains("unknown field 'flavour'").contains("Allowed fields");
        assertThat(Json.parse(cli.ok("ml", "model", "list")).findValuesAsText("name")).containsExactly("reg");
    }

    @Test
    @Order(5)
    void environmentsCodeAndDataWithReferences() throws Exception {
        Path env = work.resolve("env");
        Files.createDirectories(env);
        Files.writeString(env.resolve("conda.yml"), "name: infer\ndependencies:\n  - python=3.11\n  - scikit-learn\n");
        Files.writeString(env.resolve("env.yml"), """
                name: sklearn-env
                image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest
                conda_file: conda.yml
                """);
        JsonNode environment = Json.parse(cli.ok("ml", "environment", "create", "-w", "mlw", "-g", "rg1", "--file",
                env.resolve("env.yml").toString()));
        assertThat(environment.path("version").asText()).isEqualTo("1");
        assertThat(environment.path("conda_file").asText()).contains("scikit-learn");
        assertThat(cli.ok("ml", "environment", "show", "-n", "sklearn-env", "-l", "latest", "--query", "image", "-o", "tsv")
                .strip()).startsWith("mcr.microsoft.com/azureml/");
        Files.writeString(env.resolve("both.yml"), "name: bad-env\nimage: x\nbuild:\n  path: .\n");
        assertThat(error(cli.run("ml", "environment", "create", "--file", env.resolve("both.yml").toString())))
                .contains("exactly one of 'image'");

        Path src = work.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("score.py"), "def init():\n    pass\n");
        JsonNode code1 = Json.parse(cli.ok("ml", "code", "create", "--name", "score", "--version", "1", "--path", src.toString()));
        JsonNode code2 = Json.parse(cli.ok("ml", "code", "create", "--name", "score", "--version", "2", "--path", src.toString()));
        assertThat(code2.path("path").asText()).as("same content, same place").isEqualTo(code1.path("path").asText());

        Path iris = work.resolve("iris.csv");
        Files.writeString(iris, "sepal_length,species\n5.1,setosa\n");
        cli.ok("ml", "data", "create", "--name", "iris-local", "--path", iris.toString());
        JsonNode data = Json.parse(cli.ok("ml", "data", "create", "-w", "mlw", "-g", "rg1", "--name", "iris", "--version", "1",
                "--type", "uri_file", "--path", Json.parse(cli.ok("ml", "data", "show", "-n", "iris-local", "-v", "1"))
                        .path("path").asText().replaceAll(".*/paths/", "azureml://datastores/workspaceblobstore/paths/")));
        assertThat(data.path("type").asText()).isEqualTo("uri_file");
        assertThat(error(cli.run("ml", "data", "create", "--name", "iris", "--version", "2", "--type", "uri_folder",
                "--path", "https://example.com/iris/"))).contains("share their container's type");
        assertThat(error(cli.run("ml", "data", "create", "--name", "iris", "--version", "2", "--type", "table",
                "--path", "https://example.com/iris.csv"))).contains("dataType must be one of uri_file, uri_folder, mltable");
    }

    @Test
    @Order(6)
    void noPartialFilesAreVisibleInTheBlobStore() throws Exception {
        try (Stream<Path> files = Files.walk(server.dataDirectory().resolve("blobs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".amlite-upload-"));
        }
    }
}
