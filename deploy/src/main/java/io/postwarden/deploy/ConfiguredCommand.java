package io.postwarden.deploy;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * An operator command that reads the configuration first, as {@code run} would: a file with
 * problems ends it with {@link Main#EXIT_CONFIG} and the problems on stderr.
 */
abstract class ConfiguredCommand implements Callable<Integer> {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file (default: built-in).")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() {
    Config settings;
    try {
      settings = Main.load(config);
    } catch (ConfigException e) {
      return fail(Main.EXIT_CONFIG, e.getMessage());
    }
    return run(settings);
  }

  abstract int run(Config settings);

  /** Says why on stderr; the exit status. */
  int fail(int status, String why) {
    spec.commandLine().getErr().println("postwarden: " + why);
    return status;
  }
}
