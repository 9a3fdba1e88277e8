package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/** YAML output; its own class so that the YAML library loads only when -o yaml is used. */
final class Yaml {
    private Yaml() {
    }

    /** Reads a YAML file (the azureml schemas) as JSON; a clear error names the file when it is not YAML. */
    static JsonNode read(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new CliError("The file '" + file + "' does not exist or is not a file.", 1);
        }
        try {
            JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new CliError("The file '" + file + "' must hold a YAML mapping (key: value lines).", 1);
            }
            return node;
        } catch (java.io.IOException e) {
            throw new CliError("The file '" + file + "' is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), 1);
        }
    }

    static String write(JsonNode node) {
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
            return yaml.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
