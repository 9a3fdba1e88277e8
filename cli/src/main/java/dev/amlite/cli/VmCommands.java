package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amlite vm list-sizes -l REGION}: the VM size catalog of a region (RM-4). */
@Command(name = "vm", description = "Virtual machine sizes.", subcommands = {VmCommands.ListSizes.class})
final class VmCommands {
    @Command(name = "list-sizes", description = "List the VM sizes a region offers, with family, GPUs and price.")
    static final class ListSizes extends Leaf {
        @Option(names = {"-l", "--location"}, required = true, description = "Region, e.g. japaneast.")
        String location;

        @Override
        JsonNode run(Session session) {
            return session.send("GET", "/subscriptions/" + session.subscriptionId()
                    + "/providers/Microsoft.Compute/locations/" + location + "/vmSizes", "2024-03-01", null).path("value");
        }

        @Override
        List<Column> columns() {
            return List.of(Column.of("Name", "name"), Column.of("Family", "family"), Column.of("NumberOfCores", "numberOfCores"),
                    Column.of("MemoryInMB", "memoryInMB"), Column.of("Gpus", "gpus"),
                    Column.of("PricePerHourUsd", "pricePerHourUsd"));
        }
    }
}
