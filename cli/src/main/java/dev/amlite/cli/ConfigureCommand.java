package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite configure --defaults group=… workspace=…}: values later commands use when options are omitted. */
@Command(name = "configure", description = "Set defaults used when options are omitted.")
final class ConfigureCommand extends Leaf {
    private static final Set<String> KNOWN = Set.of("group", "workspace", "location", "web");

    @Option(names = {"--defaults", "-d"}, arity = "1..*", description = "NAME=VALUE pairs: group, workspace, location. "
            + "An empty value clears one.")
    List<String> defaults = new ArrayList<>();

    @Option(names = {"--list-defaults", "-l"}, description = "Show the defaults.")
    boolean list;

    @Override
    JsonNode run(Session session) {
        ObjectNode config = (ObjectNode) Json.parse(session.store().readConfig());
        ObjectNode values = config.has("defaults") ? (ObjectNode) config.get("defaults") : config.putObject("defaults");
        for (String pair : defaults) {
            int equals = pair.indexOf('=');
            if (equals < 1) {
                throw new CliError("--defaults takes NAME=VALUE pairs, e.g. group=rg1 workspace=mlw; got '" + pair + "'.");
            }
            String name = pair.substring(0, equals).trim();
            if (!KNOWN.contains(name)) {
                throw new CliError("Unknown default '" + name + "'. Known defaults: group, workspace, location.");
            }
            String value = pair.substring(equals + 1).trim();
            if (value.isEmpty()) {
                values.remove(name);
            } else {
                values.put(name, value);
            }
        }
        if (!defaults.isEmpty()) {
            session.store().writeConfig(Json.write(config));
        }
        if (!list) {
            return null;
        }
        ArrayNode shown = Json.MAPPER.createArrayNode();
        values.fields().forEachRemaining(field -> shown.addObject().put("name", field.getKey())
                .put("source", session.store().directory().resolve("config.json").toString())
                .put("value", field.getValue().asText()));
        return shown;
    }
}
