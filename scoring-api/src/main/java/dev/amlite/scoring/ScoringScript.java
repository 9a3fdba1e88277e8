package dev.amlite.scoring;

import java.nio.file.Path;

/**
 * What a Java deployment implements: the Java counterpart of a {@code score.py} with {@code init()} and
 * {@code run(raw_data)}. amlite loads the class named in the deployment's code configuration in a JVM of its own,
 * calls {@link #init} once and {@link #run} for every request.
 */
public interface ScoringScript {
    /** Loads the model; {@code modelDir} is the deployment's model folder (Azure's {@code AZUREML_MODEL_DIR}). */
    void init(Path modelDir) throws Exception;

    /**
     * Scores one request. {@code rawData} is the request body as sent; the returned text must be JSON and is the
     * response body. An exception becomes an error answer, its message written to the deployment's logs.
     */
    String run(String rawData) throws Exception;
}
