package io.postwarden.deploy;

import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import io.postwarden.srs.SrsModule;
import io.postwarden.srs.codec.ForwardResult;
import io.postwarden.srs.codec.ReverseResult;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.longsender.LongSenders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postwarden srs forward|reverse ADDRESS}: what an admin runs when a bounce is questioned.
 */
@Command(
    name = "srs",
    description = "Rewrite or decode SRS addresses with the configured secrets.",
    subcommands = {SrsCommands.Forward.class, SrsCommands.Reverse.class})
final class SrsCommands {

  /** sysexits.h EX_DATAERR: the address, not the tool, is at fault. */
  static final int EXIT_BAD_ADDRESS = 65;

  abstract static class SrsCommand implements Callable<Integer> {

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Configuration file (default: built-in).")
    Path config;

    @Parameters(paramLabel = "ADDRESS")
    String address;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try {
        Config settings = Main.load(config);
        return run(SrsModule.codec(settings, Clock.systemUTC()), settings);
      } catch (ConfigException e) {
        return fail("postwarden: " + e.getMessage(), Main.EXIT_CONFIG);
      } catch (IOException e) {
        return fail("postwarden: " + e.getMessage(), Main.EXIT_CONFIG);
      }
    }

    abstract int run(SrsCodec codec, Config settings);

    int succeed(String line) {
      spec.commandLine().getOut().println(line);
      return 0;
    }

    int fail(String line, int status) {
      spec.commandLine().getErr().println(line);
      return status;
    }
  }

  @Command(
      name = "forward",
      description = "Print the SRS address a forwarded message from ADDRESS would get.")
  static final class Forward extends SrsCommand {
    @Override
    int run(SrsCodec codec, Config settings) {
      Optional<String> domain = SrsModule.srsDomain(settings);
      if (domain.isEmpty()) {
        return fail(
            "postwarden: SRS is off: set srs-domain (or domains) in the configuration",
            Main.EXIT_CONFIG);
      }
      ForwardResult result = codec.forward(address, domain.get());
      if (result instanceof ForwardResult.Refused refused) {
        return fail(
            "postwarden: cannot rewrite " + address + ": " + refused.message(), EXIT_BAD_ADDRESS);
      }
      return succeed(((ForwardResult.Rewritten) result).address());
    }
  }

  @Command(
      name = "reverse",
      description = "Print the original sender behind an SRS address, or why it is invalid.")
  static final class Reverse extends SrsCommand {
    @Override
    int run(SrsCodec codec, Config settings) {
      ReverseResult result = codec.reverse(address);
      if (result instanceof ReverseResult.Rejected rejected) {
        return fail("postwarden: " + address + ": " + rejected.message(), EXIT_BAD_ADDRESS);
      }
      String original = ((ReverseResult.Reversed) result).address();
      if (LongSenders.isStoreKey(original)) {
        spec.commandLine()
            .getErr()
            .println(
                "postwarden: "
                    + original
                    + " is the key of a long sender: its address "
                    + "is in the long-sender store (srs-store-file, or srs-store-redis) for 23 days");
      }
      return succeed(original);
    }
  }
}
