package io.postwarden.deploy;

import io.postwarden.audit.AuditModule;
import io.postwarden.audit.log.AuditLog;
import io.postwarden.core.config.Config;
import io.postwarden.limits.LimitsKeys;
import io.postwarden.limits.control.ControlSocket;
import io.postwarden.limits.hold.OperatorRecords;
import io.postwarden.limits.key.LimitKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code postwarden limits status [KEY] | reset KEY}: the running daemon's counts, through its
 * control socket.
 */
@Command(
    name = "limits",
    description = "Show or reset the running daemon's sending-limit counts.",
    subcommands = {LimitsCommands.Status.class, LimitsCommands.Reset.class})
final class LimitsCommands {

  abstract static class ControlCommand extends ConfiguredCommand {

    @Override
    final int run(Config settings) {
      String socket = settings.get(LimitsKeys.CONTROL_SOCKET);
      if (socket.isEmpty()) {
        return fail(Main.EXIT_CONFIG, "limits-control-socket is empty: the daemon has no socket");
      }
      List<String> answer;
      try {
        answer = ControlSocket.ask(Path.of(socket), request());
      } catch (IOException e) {
        return fail(
            Main.EXIT_UNAVAILABLE,
            "cannot reach the daemon at "
                + socket
                + " (is it running, and are you root?): "
                + e.getMessage());
      }
      if (answer.isEmpty() || !answer.get(0).equals("ok")) {
        return fail(HoldCommands.EXIT_NO_MATCH, answer.isEmpty() ? "no answer" : answer.get(0));
      }
      answer.subList(1, answer.size()).forEach(spec.commandLine().getOut()::println);
      try {
        recordIn(settings);
      } catch (IOException e) {
        return fail(
            HoldCommands.EXIT_SOFTWARE,
            "done, but not recorded in the audit log: " + e.getMessage());
      }
      return 0;
    }

    abstract String request();

    /** What the command must leave in the audit log; nothing for a look. */
    void recordIn(Config settings) throws IOException {}
  }

  @Command(
      name = "status",
      description = "Each limit's use and remaining budget, for KEY or every active key.")
  static final class Status extends ControlCommand {

    @Parameters(
        paramLabel = "KEY",
        arity = "0..1",
        description = "e.g. unix:www-shop, sasl:alice, server")
    String key;

    @Override
    String request() {
      return key == null ? "status" : "status " + key;
    }
  }

  @Command(
      name = "reset",
      description = "Forget KEY's counts and cool-down: its next message starts afresh.")
  static final class Reset extends ControlCommand {

    @Parameters(paramLabel = "KEY")
    String key;

    @Override
    String request() {
      return "reset " + key;
    }

    @Override
    void recordIn(Config settings) throws IOException {
      try (AuditLog log = AuditModule.log(settings)) {
        log.write(
            OperatorRecords.record(
                Clock.systemUTC(), "limits_reset", LimitKey.parse(key).toString(), List.of()));
      }
    }
  }
}
