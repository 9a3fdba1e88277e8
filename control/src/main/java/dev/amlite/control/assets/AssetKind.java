package dev.amlite.control.assets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import java.util.List;

/**
 * The versioned asset types of a workspace (AS-2 … AS-5): what each version must have, which member holds its
 * files, and which members may still change once the version exists (versions are otherwise immutable).
 */
public enum AssetKind {
    MODEL("models", "Model", "modelUri"),
    ENVIRONMENT("environments", "Environment", null),
    CODE("codes", "Code", "codeUri"),
    DATA("data", "Data", "dataUri");

    static final String WORKSPACE_TYPE = "Microsoft.MachineLearningServices/workspaces";
    /** Members a version may change after it is registered; everything else is fixed. */
    static final List<String> MUTABLE = List.of("description", "tags", "isArchived", "stage");
    private static final List<String> MODEL_TYPES = List.of("CustomModel", "MLFlowModel", "TritonModel");
    private static final List<String> DATA_TYPES = List.of("uri_file", "uri_folder", "mltable");

    private final String segment;
    private final String label;
    private final String uriMember;

    AssetKind(String segment, String label, String uriMember) {
        this.segment = segment;
        this.label = label;
        this.uriMember = uriMember;
    }

    public String containerType() {
        return WORKSPACE_TYPE + "/" + segment;
    }

    public String versionType() {
        return containerType() + "/versions";
    }

    public String label() {
        return label;
    }

    /** The member that points at the version's files, or null (environments point at an image). */
    public String uriMember() {
        return uriMember;
    }

    /** Checks the version's own properties and fills the defaults Azure fills. */
    void check(ObjectNode properties, JsonNode container) {
        switch (this) {
            case MODEL -> {
                String type = properties.path("modelType").asText("CustomModel");
                String canonical = MODEL_TYPES.stream().filter(t -> t.equalsIgnoreCase(type)
                        || (t.replace("Model", "").toLowerCase() + "_model").equals(type.toLowerCase())).findFirst()
                        .orElseThrow(() -> new ArmException(ErrorCode.InvalidParameter, "modelType must be one of "
                                + String.join(", ", MODEL_TYPES) + " (YAML: custom_model, mlflow_model, triton_model); '"
                                + type + "' was given."));
                properties.put("modelType", canonical);
                requireUri(properties, "a folder or file of the model");
            }
            case CODE -> requireUri(properties, "the uploaded code folder");
            case DATA -> {
                String type = properties.path("dataType").asText("");
                if (!DATA_TYPES.contains(type)) {
                    throw new ArmException(ErrorCode.InvalidParameter, "dataType must be one of "
                            + String.join(", ", DATA_TYPES) + "; '" + type + "' was given.");
                }
                String containerType = container == null ? null : container.path("properties").path("dataType").asText(null);
                if (containerType != null && !containerType.equals(type)) {
                    throw new ArmException(ErrorCode.InvalidParameter, "Data asset versions share their container's "
                            + "type: this one is '" + containerType + "', the new version says '" + type + "'.");
                }
                requireUri(properties, "the file or folder the data asset points at");
            }
            case ENVIRONMENT -> {
                boolean image = properties.hasNonNull("image") && !properties.path("image").asText().isBlank();
                boolean build = properties.path("build").path("contextUri").isTextual();
                if (image == build) {
                    throw new ArmException(ErrorCode.InvalidParameter, "An environment needs exactly one of 'image' "
                            + "(a Docker image, optionally with 'condaFile') or 'build.contextUri' (a Docker build "
                            + "context); " + (image ? "both were given." : "neither was given."));
                }
                if (build && properties.hasNonNull("condaFile")) {
                    throw new ArmException(ErrorCode.InvalidParameter, "'condaFile' goes with 'image'; with a build "
                            + "context, install packages in its Dockerfile.");
                }
                String os = properties.path("osType").asText("Linux");
                if (!os.equals("Linux") && !os.equals("Windows")) {
                    throw new ArmException(ErrorCode.InvalidParameter, "osType must be Linux or Windows; '" + os
                            + "' was given.");
                }
                properties.put("osType", os);
                properties.put("environmentType", "UserCreated");
                properties.put("autoRebuild", properties.path("autoRebuild").asText("Disabled"));
            }
        }
        properties.put("isAnonymous", properties.path("isAnonymous").asBoolean(false));
        properties.put("isArchived", properties.path("isArchived").asBoolean(false));
    }

    /** Where the version's files are: its URI member, or an environment's build context. */
    String filesUri(JsonNode properties) {
        if (uriMember != null) {
            return properties.path(uriMember).asText(null);
        }
        return properties.path("build").path("contextUri").asText(null);
    }

    private void requireUri(ObjectNode properties, String what) {
        if (!properties.path(uriMember).isTextual() || properties.path(uriMember).asText().isBlank()) {
            throw new ArmException(ErrorCode.InvalidParameter, label + " versions need properties." + uriMember + ": "
                    + what + ", as azureml://datastores/<datastore>/paths/<path> or a URL.");
        }
    }
}
