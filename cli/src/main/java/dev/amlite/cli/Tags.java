package dev.amlite.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.Json;
import java.util.List;

/** az's space-separated {@code --tags key=value key2=value2}; a bare key gets an empty value, as in az. */
final class Tags {
    private Tags() {
    }

    static ObjectNode parse(List<String> pairs) {
        ObjectNode tags = Json.object();
        if (pairs == null) {
            return tags;
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            tags.put(equals < 0 ? pair : pair.substring(0, equals), equals < 0 ? "" : pair.substring(equals + 1));
        }
        return tags;
    }
}
