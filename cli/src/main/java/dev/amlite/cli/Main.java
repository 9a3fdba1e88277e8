package dev.amlite.cli;

import dev.amlite.sdk.AmliteException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code amlite} command. Exit codes follow az: 0 ok, 1 error, 2 usage error, 3 resource not found. */
@Command(name = "amlite", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "amlite: an Azure Machine Learning-compatible platform you run yourself.")
public final class Main {
    /**
     * The top-level command groups. Only the group an invocation names is given to picocli, which builds the
     * model of every command it is given by reflection before doing anything.
     */
    static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("login", LoginCommands.Login.class);
        commands.put("logout", LoginCommands.Logout.class);
        commands.put("account", AccountCommands.class);
        commands.put("configure", ConfigureCommand.class);
        commands.put("group", GroupCommands.class);
        commands.put("provider", ProviderCommands.class);
        commands.put("resource", ResourceCommands.class);
        commands.put("ad", AdCommands.class);
        commands.put("role", RoleCommands.class);
        commands.put("policy", PolicyCommands.class);
        commands.put("vm", VmCommands.class);
        commands.put("ml", MlCommands.class);
        commands.put("storage", StorageCommands.class);
        commands.put("keyvault", KeyVaultCommands.class);
        commands.put("acr", AcrCommands.class);
        commands.put("monitor", MonitorCommands.class);
        commands.put("network", NetworkCommands.class);
        commands.put("quota", QuotaCommands.class);
        commands.put("server", ServerCommands.class);
        return Collections.unmodifiableMap(commands);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine commandLine = commandLine(args);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((error, arguments) -> {
            System.err.println("ERROR: " + error.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(error, System.err);
            System.err.println("Try '" + error.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((error, line, parseResult) -> {
            if (error instanceof AmliteException armError) {
                System.err.println("ERROR: (" + armError.code() + ") " + armError.getMessage());
                System.err.println("Code: " + armError.code());
                System.err.println("Message: " + armError.getMessage());
                if (armError.body() != null && armError.body().path("error").has("details")) {
                    armError.body().path("error").path("details").forEach(detail ->
                            System.err.println("  - (" + detail.path("code").asText() + ") " + detail.path("message").asText()));
                }
                return armError.status() == 404 ? 3 : 1;
            }
            if (error instanceof CliError usage) {
                System.err.println("ERROR: " + usage.getMessage());
                return usage.exitCode();
            }
            if (error instanceof UncheckedIOException io) {
                System.err.println("ERROR: " + io.getMessage());
                return 1;
            }
            System.err.println("ERROR: The command failed with an unexpected error: " + error);
            if (parseResult.hasMatchedOption("--debug")) {
                error.printStackTrace(System.err);
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    /**
     * The command tree picocli is given for these arguments: of the top-level groups and of the groups under
     * {@code ml}, only the one the arguments name (picocli builds the model of every command it is given by
     * reflection before it parses anything, and that was most of a command's start).
     */
    static CommandLine commandLine(String[] args) {
        // The launcher's recording run builds the whole tree, so that the class archive it makes holds every
        // command's classes, not only those of the command that happened to be first.
        String[] named = Boolean.getBoolean("amlite.cli.wholeTree") ? new String[0] : args;
        CommandLine root = new CommandLine(new Main());
        if (named.length == 1 && (named[0].equals("--version") || named[0].equals("-V"))) {
            addHelp(root);
            return root; // the version is the root's own option: no group is needed to print it
        }
        addNamed(root, COMMANDS, named, 0);
        CommandLine ml = root.getSubcommands().get("ml");
        if (ml != null) {
            addNamed(ml, MlCommands.GROUPS, named.length > 0 && named[0].equals("ml") ? named : new String[0], 1);
        }
        addHelp(root);
        return root;
    }

    private static void addNamed(CommandLine parent, Map<String, Class<?>> children, String[] args, int position) {
        Class<?> named = args.length > position ? children.get(args[position]) : null;
        if (named != null) {
            parent.addSubcommand(args[position], named);
        } else {
            // --help, --version, or a word that is no command: picocli needs them all to list or suggest.
            children.forEach(parent::addSubcommand);
        }
    }

    /**
     * {@code -h/--help} on every command and group, as az has it. Not picocli's inherited standard options: those
     * bring {@code --version}, which the asset commands use for the asset's version, as az does.
     */
    private static void addHelp(CommandLine command) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help and exit.").build());
        }
        command.getSubcommands().values().forEach(Main::addHelp);
    }

    /** {@code amlite --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"amlite " + (version == null ? "0.1.0-SNAPSHOT" : version),
                    "java " + System.getProperty("java.version")};
        }
    }
}
