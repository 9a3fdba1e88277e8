package bench;

import dev.amlite.scoring.ScoringScript;
import java.nio.file.Path;
import java.util.Random;

/**
 * A model that computes, for part 8: a 64-256-256-1 perceptron with fixed random weights (about 82,000
 * multiply-adds a request), its 64 inputs parsed from {"data": [[...]]}. What the JIT does for a user's own
 * numeric code shows here, where the constant backend shows only the server around it.
 */
public class Mlp implements ScoringScript {
    private static final int IN = 64;
    private static final int HIDDEN = 256;
    private final float[] w1 = new float[IN * HIDDEN];
    private final float[] b1 = new float[HIDDEN];
    private final float[] w2 = new float[HIDDEN * HIDDEN];
    private final float[] b2 = new float[HIDDEN];
    private final float[] w3 = new float[HIDDEN];

    @Override
    public void init(Path modelDir) {
        Random random = new Random(42);
        for (float[] weights : new float[][] {w1, b1, w2, b2, w3}) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) random.nextGaussian() * 0.1f;
            }
        }
    }

    @Override
    public String run(String rawData) {
        int start = rawData.indexOf("[[") + 2;
        String[] fields = rawData.substring(start, rawData.indexOf("]]", start)).split(",");
        if (fields.length != IN) {
            throw new IllegalArgumentException("expected " + IN + " inputs, got " + fields.length);
        }
        float[] x = new float[IN];
        for (int i = 0; i < IN; i++) {
            x[i] = Float.parseFloat(fields[i].trim());
        }
        float[] h1 = layer(x, w1, b1);
        float[] h2 = layer(h1, w2, b2);
        float y = 0;
        for (int i = 0; i < HIDDEN; i++) {
            y += h2[i] * w3[i];
        }
        return "[" + y + "]";
    }

    private static float[] layer(float[] in, float[] weights, float[] bias) {
        float[] out = new float[bias.length];
        for (int j = 0; j < out.length; j++) {
            float sum = bias[j];
            for (int i = 0; i < in.length; i++) {
                sum += in[i] * weights[j * in.length + i];
            }
            out[j] = Math.max(0, sum);
        }
        return out;
    }
}
