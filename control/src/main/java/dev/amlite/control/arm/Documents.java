package dev.amlite.control.arm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.control.identity.Caller;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import dev.amlite.core.Json;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/** Pieces every ARM document has: validated tags and systemData. */
public final class Documents {
    private static final int MAX_TAGS = 50;

    private Documents() {
    }

    /** ARM's tag rules: at most 50, names up to 512 characters without {@code <>%&\?/}, values up to 256. */
    public static ObjectNode tags(JsonNode tags) {
        ObjectNode result = Json.object();
        if (tags == null || tags.isNull() || tags.isMissingNode()) {
            return result;
        }
        if (!tags.isObject()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "'tags' must be a JSON object of string names "
                    + "to string values, e.g. {\"env\":\"prod\"}.");
        }
        if (tags.size() > MAX_TAGS) {
            throw new ArmException(ErrorCode.InvalidParameter, "A resource can have at most " + MAX_TAGS
                    + " tags; the request has " + tags.size() + ".");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = tags.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> tag = fields.next();
            String name = tag.getKey();
            if (name.isEmpty() || name.length() > 512 || name.chars().anyMatch(c -> "<>%&\\?/".indexOf(c) >= 0)) {
                throw new ArmException(ErrorCode.InvalidParameter, "The tag name '" + name + "' is invalid: tag "
                        + "names are 1 to 512 characters and may not contain < > % & \\ ? /.");
            }
            if (!tag.getValue().isValueNode() || tag.getValue().isNull()) {
                throw new ArmException(ErrorCode.InvalidRequestContent, "The value of tag '" + name
                        + "' must be a string.");
            }
            String value = tag.getValue().asText();
            if (value.length() > 256) {
                throw new ArmException(ErrorCode.InvalidParameter, "The value of tag '" + name + "' is "
                        + value.length() + " characters; at most 256 are allowed.");
            }
            result.put(name, value);
        }
        return result;
    }

    public static ObjectNode systemData(Caller caller, Instant now, JsonNode previous) {
        ObjectNode systemData = Json.object();
        String type = caller.kind().name().equals("User") ? "User" : "Application";
        if (previous != null && previous.has("createdAt")) {
            systemData.put("createdBy", previous.path("createdBy").asText());
            systemData.put("createdByType", previous.path("createdByType").asText());
            systemData.put("createdAt", previous.path("createdAt").asText());
        } else {
            systemData.put("createdBy", caller.signInName());
            systemData.put("createdByType", type);
            systemData.put("createdAt", now.toString());
        }
        systemData.put("lastModifiedBy", caller.signInName());
        systemData.put("lastModifiedByType", type);
        systemData.put("lastModifiedAt", now.toString());
        return systemData;
    }

    /** The optional "properties" member: absent is fine, anything but an object is the client's mistake. */
    public static ObjectNode properties(ObjectNode body) {
        JsonNode properties = body.get("properties");
        if (properties == null || properties.isNull()) {
            return Json.object();
        }
        if (!properties.isObject()) {
            throw new ArmException(ErrorCode.InvalidRequestContent, "'properties' must be a JSON object, but it was a "
                    + "JSON " + properties.getNodeType().name().toLowerCase() + ".");
        }
        return ((ObjectNode) properties).deepCopy();
    }

    /** A filter the front door understands on list calls: "resourceType eq 'x'", "name eq 'y'", "tagName eq …". */
    public record ListFilter(String resourceType, String name, String tagName, String tagValue) {
        public static ListFilter parse(String filter) {
            if (filter == null || filter.isBlank()) {
                return new ListFilter(null, null, null, null);
            }
            String resourceType = null;
            String name = null;
            String tagName = null;
            String tagValue = null;
            for (String clause : filter.split("(?i)\\s+and\\s+")) {
                var matcher = java.util.regex.Pattern.compile("(?i)\\s*(resourceType|name|tagName|tagValue)\\s+eq\\s+'([^']*)'\\s*")
                        .matcher(clause);
                if (!matcher.matches()) {
                    throw new ArmException(ErrorCode.InvalidParameter, "The $filter clause '" + clause.trim()
                            + "' is not supported. Use resourceType eq '<type>', name eq '<name>', tagName eq '<tag>' "
                            + "and tagValue eq '<value>', joined with 'and'.");
                }
                switch (matcher.group(1).toLowerCase()) {
                    case "resourcetype" -> resourceType = matcher.group(2);
                    case "name" -> name = matcher.group(2);
                    case "tagname" -> tagName = matcher.group(2);
                    default -> tagValue = matcher.group(2);
                }
            }
            return new ListFilter(resourceType, name, tagName, tagValue);
        }

        public boolean matches(JsonNode document) {
            if (name != null && !name.equalsIgnoreCase(document.path("name").asText())) {
                return false;
            }
            if (tagName != null) {
                JsonNode tags = document.path("tags");
                String found = null;
                var names = tags.fieldNames();
                while (names.hasNext()) {
                    String candidate = names.next();
                    if (candidate.equalsIgnoreCase(tagName)) {
                        found = tags.path(candidate).asText();
                    }
                }
                if (found == null || (tagValue != null && !tagValue.equals(found))) {
                    return false;
                }
            }
            return true;
        }
    }
}
