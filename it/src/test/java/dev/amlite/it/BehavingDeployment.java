package dev.amlite.it;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Deployment YAMLs of the test scoring script in {@code serving/behaving} (it sleeps, fails, crashes or spins as a
 * request asks). The instance's NAME variable is the deployment's name; {@code extra} follows the
 * environment_variables block, so it may add variables (indented) or further members.
 */
final class BehavingDeployment {
    private BehavingDeployment() {
    }

    static Path folder() {
        try {
            return Path.of(BehavingDeployment.class.getResource("/serving/behaving").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path yaml(Path directory, String endpoint, String name, String extra) throws IOException {
        Path behaving = folder();
        Path yaml = directory.resolve(endpoint + "-" + name + ".yml");
        Files.writeString(yaml, "name: " + name + "\nendpoint_name: " + endpoint + "\nmodel:\n  path: "
                + behaving.resolve("model") + "\ncode_configuration:\n  code: " + behaving.resolve("code")
                + "\n  scoring_script: score.py\ninstance_type: Standard_DS2_v2\nenvironment_variables:\n  NAME: " + name
                + "\n" + extra);
        return yaml;
    }
}
