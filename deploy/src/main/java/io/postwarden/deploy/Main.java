package io.postwarden.deploy;

import io.postwarden.core.CoreKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postwarden run | config check FILE}. */
@Command(
    name = "postwarden",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Milter sidecar for Postfix: local-submission guard, audit tags, SRS and From: repair.",
    subcommands = {
      Main.Run.class,
      Main.ConfigCommand.class,
      SrsCommands.class,
      io.postwarden.deploy.doctor.DoctorCommand.class,
      HoldCommands.Held.class,
      HoldCommands.Release.class,
      HoldCommands.Purge.class,
      LimitsCommands.class,
      AuditCommands.class
    })
public final class Main {

  /** sysexits.h EX_CONFIG: systemd and scripts can tell a bad config from a crash. */
  static final int EXIT_CONFIG = 78;

  static final int EXIT_UNAVAILABLE = 69;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  /** Loads and checks a file as start-up would: each key, then the rules that span keys. */
  static Config load(Path file) throws ConfigException {
    Config config =
        file == null ? Config.defaults(Modules.schema()) : Config.load(file, Modules.schema());
    List<String> problems = Modules.crossKeyProblems(config);
    if (!problems.isEmpty()) {
      throw ConfigException.ofWholeFile(
          file == null ? "built-in configuration" : file.toString(), problems);
    }
    return config;
  }

  @Command(name = "run", description = "Serve the milter protocol until SIGTERM.")
  static final class Run implements Callable<Integer> {

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Configuration file (default: built-in settings, loopback listener).")
    Path config;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Config settings;
      try {
        settings = load(config);
      } catch (ConfigException e) {
        err.println("postwarden: " + e.getMessage());
        return EXIT_CONFIG;
      }
      LogSetup.configure(CoreKeys.logLevel(settings));
      // before serving: a signal that arrives while starting waits its turn instead of killing the
      // JVM
      Signals signals = Signals.install();
      Daemon daemon;
      try {
        daemon = Daemon.start(settings, Modules.assembly());
      } catch (IOException | RuntimeException e) {
        err.println("postwarden: cannot start: " + e.getMessage());
        return EXIT_UNAVAILABLE;
      }
      while (signals.next() == Signals.Event.RELOAD) {
        reload(daemon, err);
      }
      daemon.shutdown();
      return 0;
    }

    /** SIGHUP: a file that fails to load is reported and changes nothing. */
    private void reload(Daemon daemon, PrintWriter err) {
      Config settings;
      try {
        settings = load(config);
      } catch (ConfigException e) {
        System.getLogger(Main.class.getName())
            .log(
                System.Logger.Level.ERROR,
                "reload refused, keeping the running configuration: " + e.getMessage());
        return;
      }
      LogSetup.configure(CoreKeys.logLevel(settings));
      daemon.reload(settings);
    }
  }

  @Command(
      name = "config",
      description = "Work with configuration files.",
      subcommands = {ConfigCheck.class})
  static final class ConfigCommand {}

  @Command(
      name = "check",
      description = "Check a configuration file without starting; prints every problem.")
  static final class ConfigCheck implements Callable<Integer> {

    @Parameters(paramLabel = "FILE")
    Path file;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try {
        load(file);
      } catch (ConfigException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return EXIT_CONFIG;
      }
      spec.commandLine().getOut().println(file + ": OK");
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"postwarden " + (version == null ? "development build" : version)};
    }
  }
}
