package dev.amlite.cli;

import java.io.Console;

/** az's confirmation prompt for destructive commands: skipped with --yes, refused without a terminal. */
final class Confirm {
    private Confirm() {
    }

    static void require(boolean yes, String what) {
        if (yes) {
            return;
        }
        Console console = System.console();
        if (console == null) {
            throw new CliError("Unable to prompt for confirmation as no tty available. Use --yes.", 1);
        }
        String answer = console.readLine("%s%nAre you sure you want to perform this operation? (y/n): ", what);
        if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
            throw new CliError("Operation cancelled.", 1);
        }
    }
}
