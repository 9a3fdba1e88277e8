package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a handler answers: a status, an optional JSON body and extra headers. */
public record ArmResponse(int status, JsonNode body, Map<String, String> headers) {
    public ArmResponse {
        headers = Map.copyOf(headers);
    }

    public static ArmResponse ok(JsonNode body) {
        return new ArmResponse(200, body, Map.of());
    }

    public static ArmResponse created(JsonNode body) {
        return new ArmResponse(201, body, Map.of());
    }

    public static ArmResponse noContent() {
        return new ArmResponse(204, null, Map.of());
    }

    public static ArmResponse status(int status) {
        return new ArmResponse(status, null, Map.of());
    }

    /** ARM's list envelope with the whole list; the front door cuts it into pages ({@link ListPages}). */
    public static ArmResponse list(List<? extends JsonNode> items) {
        var body = dev.amlite.core.Json.object();
        var array = body.putArray("value");
        items.forEach(array::add);
        return ok(body);
    }

    public ArmResponse withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ArmResponse(status, body, all);
    }
}
