package dev.amlite.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.amlite.core.Json;
import io.burt.jmespath.Expression;
import io.burt.jmespath.jackson.JacksonRuntime;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The output formats of CLI-2, after the --query JMESPath, shaped as az prints them. */
final class Output {
    private static final ObjectWriter PRETTY = Json.MAPPER.writer(new AzPrettyPrinter());

    /** Python's json.dumps(indent=2) layout, which az prints: "key": value, and [] / {} when empty. */
    private static final class AzPrettyPrinter extends DefaultPrettyPrinter {
        AzPrettyPrinter() {
            super(DefaultPrettyPrinter.DEFAULT_ROOT_VALUE_SEPARATOR);
            _arrayIndenter = DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n");
            _objectIndenter = DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n");
            _separators = Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER);
            _objectFieldValueSeparatorWithSpaces = ": ";
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new AzPrettyPrinter();
        }

        @Override
        public void writeEndArray(com.fasterxml.jackson.core.JsonGenerator generator, int values) throws java.io.IOException {
            if (values == 0) {
                if (!_arrayIndenter.isInline()) {
                    --_nesting;
                }
                generator.writeRaw(']');
                return;
            }
            super.writeEndArray(generator, values);
        }

        @Override
        public void writeEndObject(com.fasterxml.jackson.core.JsonGenerator generator, int values) throws java.io.IOException {
            if (values == 0) {
                if (!_objectIndenter.isInline()) {
                    --_nesting;
                }
                generator.writeRaw('}');
                return;
            }
            super.writeEndObject(generator, values);
        }
    }

    private Output() {
    }

    static JsonNode query(JsonNode result, String query) {
        if (query == null || query.isBlank() || result == null) {
            return result;
        }
        JacksonRuntime runtime = new JacksonRuntime();
        Expression<JsonNode> expression;
        try {
            expression = runtime.compile(query);
        } catch (RuntimeException e) {
            throw new CliError("argument --query: invalid JMESPath query supplied for '--query': " + query
                    + " (" + e.getMessage() + ")");
        }
        return expression.search(result);
    }

    static void print(JsonNode result, String format, List<Column> columns, PrintStream out) {
        if (result == null || result.isNull() && !format.equals("json")) {
            return;
        }
        switch (format.toLowerCase(Locale.ROOT)) {
            case "json" -> out.println(pretty(result));
            case "jsonc" -> out.println(System.console() != null ? colour(pretty(result)) : pretty(result));
            case "yaml" -> out.print(Yaml.write(result));
            case "table" -> out.print(table(result, columns));
            case "tsv" -> out.print(tsv(result));
            case "none" -> { }
            default -> throw new CliError("argument --output/-o: invalid choice: '" + format
                    + "' (choose from 'json', 'jsonc', 'yaml', 'table', 'tsv', 'none')");
        }
    }

    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String colour(String json) {
        return json.replaceAll("(\"[^\"]*\")(: )", "\u001b[94m$1\u001b[0m$2")
                .replaceAll(": (\"[^\"]*\")", ": \u001b[32m$1\u001b[0m");
    }

    /** az's table: explicit columns when the command has them, else the scalar members of each row. */
    static String table(JsonNode result, List<Column> columns) {
        List<JsonNode> rows = new ArrayList<>();
        if (result.isArray()) {
            result.forEach(rows::add);
        } else {
            rows.add(result);
        }
        if (rows.isEmpty()) {
            return "";
        }
        List<String> headers = new ArrayList<>();
        List<List<String>> cells = new ArrayList<>();
        boolean useColumns = columns != null && !columns.isEmpty() && rows.getFirst().isObject()
                && columns.stream().anyMatch(column -> !query(rows.getFirst(), column.expression()).isNull());
        if (useColumns) {
            columns.forEach(column -> headers.add(column.header()));
            for (JsonNode row : rows) {
                List<String> line = new ArrayList<>();
                for (Column column : columns) {
                    line.add(text(query(row, column.expression())));
                }
                cells.add(line);
            }
        } else if (rows.getFirst().isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = rows.getFirst().fields();
            List<String> keys = new ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isValueNode()) {
                    keys.add(field.getKey());
                    headers.add(capitalise(field.getKey()));
                }
            }
            for (JsonNode row : rows) {
                List<String> line = new ArrayList<>();
                keys.forEach(key -> line.add(text(row.path(key))));
                cells.add(line);
            }
        } else {
            headers.add("Result");
            rows.forEach(row -> cells.add(List.of(text(row))));
        }
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = headers.get(i).length();
            for (List<String> line : cells) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, headers, widths);
        List<String> dashes = new ArrayList<>();
        for (int width : widths) {
            dashes.add("-".repeat(width));
        }
        appendLine(out, dashes, widths);
        cells.forEach(line -> appendLine(out, line, widths));
        return out.toString();
    }

    private static void appendLine(StringBuilder out, List<String> values, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                line.append("  ");
            }
            line.append(values.get(i));
            if (i < values.size() - 1) {
                line.append(" ".repeat(widths[i] - values.get(i).length()));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    /** az's tsv: scalars of each row separated by tabs, one row per line; a scalar result alone. */
    static String tsv(JsonNode result) {
        StringBuilder out = new StringBuilder();
        if (result.isArray()) {
            for (JsonNode row : result) {
                out.append(tsvLine(row)).append('\n');
            }
        } else {
            out.append(tsvLine(result)).append('\n');
        }
        return out.toString();
    }

    private static String tsvLine(JsonNode row) {
        if (row.isObject()) {
            List<String> values = new ArrayList<>();
            row.fields().forEachRemaining(field -> {
                if (field.getValue().isValueNode()) {
                    values.add(text(field.getValue()));
                }
            });
            return String.join("\t", values);
        }
        if (row.isArray()) {
            List<String> values = new ArrayList<>();
            row.forEach(item -> values.add(text(item)));
            return String.join("\t", values);
        }
        return text(row);
    }

    static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return value != null && value.isNull() ? "None" : "";
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? "True" : "False";
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        return Json.write(value);
    }

    private static String capitalise(String key) {
        return key.isEmpty() ? key : Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }

    static ArrayNode array(List<? extends JsonNode> items) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        items.forEach(array::add);
        return array;
    }
}
