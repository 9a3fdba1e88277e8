package dev.amlite.control.throttle;

/**
 * Token bucket sizes and refill rates per principal, for reads and for writes/deletes. The {@code azure} preset is
 * ARM's published per-principal limits, for rehearsing scripts against what Azure will allow.
 */
public record ThrottleLimits(int readBurst, double readsPerSecond, int writeBurst, double writesPerSecond) {
    public ThrottleLimits {
        if (readBurst < 1 || writeBurst < 1 || readsPerSecond <= 0 || writesPerSecond <= 0) {
            throw new IllegalArgumentException("Throttle limits must be positive: " + readBurst + "/" + readsPerSecond
                    + " reads, " + writeBurst + "/" + writesPerSecond + " writes");
        }
    }

    /** Generous enough that only a runaway client notices; the default. */
    public static ThrottleLimits standard() {
        return new ThrottleLimits(20_000, 10_000, 10_000, 5_000);
    }

    /** Azure Resource Manager's published limits per principal: 250 reads burst, 25/s; 200 writes burst, 10/s. */
    public static ThrottleLimits azure() {
        return new ThrottleLimits(250, 25, 200, 10);
    }

    /** Parses "standard", "azure" or "READ_BURST:READ_RATE,WRITE_BURST:WRITE_RATE". */
    public static ThrottleLimits parse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "standard", "default" -> standard();
            case "azure" -> azure();
            default -> {
                String[] parts = text.split(",");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("--throttling takes 'standard', 'azure' or "
                            + "'READ_BURST:READS_PER_SECOND,WRITE_BURST:WRITES_PER_SECOND', not '" + text + "'");
                }
                String[] reads = parts[0].split(":");
                String[] writes = parts[1].split(":");
                yield new ThrottleLimits(Integer.parseInt(reads[0].trim()), Double.parseDouble(reads[1].trim()),
                        Integer.parseInt(writes[0].trim()), Double.parseDouble(writes[1].trim()));
            }
        };
    }
}
