package dev.amlite.cli;

import picocli.CommandLine.Option;

/** The options az accepts on every command (CLI-2), mixed into each leaf command. */
public final class GlobalOptions {
    @Option(names = {"-o", "--output"}, description = "Output format: json, jsonc, yaml, table, tsv, none. Default: json.",
            paramLabel = "FORMAT")
    String output = System.getenv().getOrDefault("AMLITE_OUTPUT", "json");

    @Option(names = "--query", description = "JMESPath query applied to the result, e.g. properties.provisioningState.",
            paramLabel = "JMESPATH")
    String query;

    @Option(names = "--subscription", description = "Name or id of the subscription to use instead of the default.",
            paramLabel = "SUBSCRIPTION")
    String subscription;

    @Option(names = "--only-show-errors", description = "Show only errors, no warnings.")
    boolean onlyShowErrors;

    @Option(names = "--verbose", description = "Show more progress information.")
    boolean verbose;

    @Option(names = "--debug", description = "Show every HTTP call (tokens are never printed).")
    boolean debug;
}
