package dev.amlite.control.compute;

import java.util.Locale;

/** The compute types amlite runs: a cluster of nodes that scales with its jobs, or one instance that starts and stops. */
public enum ComputeKind {
    AML_COMPUTE("AmlCompute", "amlcompute"),
    COMPUTE_INSTANCE("ComputeInstance", "computeinstance");

    private final String armName;
    private final String yamlName;

    ComputeKind(String armName, String yamlName) {
        this.armName = armName;
        this.yamlName = yamlName;
    }

    public String armName() {
        return armName;
    }

    public String yamlName() {
        return yamlName;
    }

    /** The kind an ARM {@code computeType} or YAML {@code type} names; null for one amlite does not run. */
    public static ComputeKind of(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (ComputeKind kind : values()) {
            if (kind.armName.toLowerCase(Locale.ROOT).equals(lower) || kind.yamlName.equals(lower)) {
                return kind;
            }
        }
        return null;
    }
}
