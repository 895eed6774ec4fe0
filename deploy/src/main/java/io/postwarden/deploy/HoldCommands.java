package io.postwarden.deploy;

import io.postwarden.audit.AuditModule;
import io.postwarden.audit.log.AuditLog;
import io.postwarden.core.config.Config;
import io.postwarden.limits.hold.HeldGroups;
import io.postwarden.limits.hold.HeldMessage;
import io.postwarden.limits.hold.HoldQueue;
import io.postwarden.limits.hold.OperatorRecords;
import io.postwarden.limits.key.LimitKey;
import io.postwarden.srs.policy.SrsKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code postwarden held | release | purge}: the hold queue by the sender key that filled it,
 * through Postfix's own tools (postqueue, postcat, postsuper) on the Postfix configuration
 * postfix-config-dir names. Every release and purge is recorded in the audit log.
 */
final class HoldCommands {

  /** sysexits.h EX_DATAERR: nothing on hold matched what the operator named. */
  static final int EXIT_NO_MATCH = 65;

  static final int EXIT_SOFTWARE = 70;

  /**
   * Released messages are sent now one by one up to this many; more wait for Postfix's next queue
   * run.
   */
  static final int DELIVER_NOW_AT_MOST = 50;

  private HoldCommands() {}

  abstract static class QueueCommand extends ConfiguredCommand {

    @Override
    final int run(Config settings) {
      String postfix = settings.get(SrsKeys.POSTFIX_CONFIG_DIR);
      HoldQueue queue =
          new HoldQueue(postfix.isEmpty() ? Optional.empty() : Optional.of(Path.of(postfix)));
      try {
        return run(settings, queue, spec.commandLine().getOut());
      } catch (IOException | IllegalArgumentException e) {
        return fail(EXIT_SOFTWARE, e.getMessage());
      }
    }

    abstract int run(Config settings, HoldQueue queue, PrintWriter out) throws IOException;

    int noMatch(String message) {
      return fail(EXIT_NO_MATCH, message);
    }
  }

  @Command(
      name = "held",
      description =
          "List held messages grouped by the sender key that held them, with counts "
              + "and the oldest age; with KEY, that key's messages.")
  static final class Held extends QueueCommand {

    @Parameters(paramLabel = "KEY", arity = "0..1", description = "e.g. unix:www-shop, sasl:alice")
    String key;

    @Override
    int run(Config settings, HoldQueue queue, PrintWriter out) throws IOException {
      List<HeldMessage> held = queue.list();
      Instant now = Instant.now();
      if (key != null) {
        String wanted = canonical(key);
        List<HeldMessage> mine =
            held.stream()
                .filter(m -> m.heldBy().orElse(HeldGroups.NOT_OURS).equals(wanted))
                .toList();
        if (mine.isEmpty()) {
          return noMatch("nothing on hold for " + wanted);
        }
        out.printf("%-14s %8s %5s  %s%n", "QUEUE ID", "AGE", "RCPTS", "SENDER");
        mine.forEach(
            m ->
                out.printf(
                    "%-14s %8s %5d  <%s>%n",
                    m.queueId(),
                    age(Duration.between(m.arrival(), now)),
                    m.recipients(),
                    m.sender()));
        return 0;
      }
      List<HeldGroups.Group> groups = HeldGroups.of(held, now);
      if (groups.isEmpty()) {
        out.println("nothing on hold");
        return 0;
      }
      out.printf("%-40s %8s %8s %8s%n", "KEY", "MESSAGES", "RCPTS", "OLDEST");
      groups.forEach(
          g ->
              out.printf(
                  "%-40s %8d %8d %8s%n", g.key(), g.messages(), g.recipients(), age(g.oldest())));
      return 0;
    }
  }

  /**
   * Release or purge: of every message a key held, or of one queue id; recorded in the audit log.
   */
  abstract static class Action extends QueueCommand {

    @Parameters(
        paramLabel = "KEY|QUEUEID",
        description = "a sender key (unix:www-shop) or one queue id")
    String target;

    @Override
    int run(Config settings, HoldQueue queue, PrintWriter out) throws IOException {
      List<HeldMessage> held = queue.list();
      List<String> ids;
      String named;
      if (HoldQueue.looksLikeQueueId(target) && !target.equals("server")) {
        named = target;
        ids = held.stream().map(HeldMessage::queueId).filter(target::equals).toList();
      } else {
        named = canonical(target);
        ids =
            held.stream()
                .filter(m -> m.heldBy().orElse(HeldGroups.NOT_OURS).equals(named))
                .map(HeldMessage::queueId)
                .toList();
      }
      if (ids.isEmpty()) {
        return noMatch("nothing on hold for " + named);
      }
      act(queue, ids, out);
      try (AuditLog log = AuditModule.log(settings)) {
        log.write(OperatorRecords.record(Clock.systemUTC(), event(), named, ids));
      }
      return 0;
    }

    abstract String event();

    abstract void act(HoldQueue queue, List<String> ids, PrintWriter out) throws IOException;
  }

  @Command(
      name = "release",
      description = "Release held messages of a sender key, or one queue id, for delivery.")
  static final class Release extends Action {
    @Override
    String event() {
      return "release";
    }

    @Override
    void act(HoldQueue queue, List<String> ids, PrintWriter out) throws IOException {
      queue.release(ids);
      if (ids.size() <= DELIVER_NOW_AT_MOST) {
        queue.deliverNow(ids);
        out.println("released " + ids.size() + " message(s); delivering now");
      } else {
        out.println(
            "released "
                + ids.size()
                + " message(s); Postfix delivers them at its next queue run "
                + "(postqueue -f sends everything deferred now)");
      }
    }
  }

  @Command(name = "purge", description = "Delete held messages of a sender key, or one queue id.")
  static final class Purge extends Action {
    @Override
    String event() {
      return "purge";
    }

    @Override
    void act(HoldQueue queue, List<String> ids, PrintWriter out) throws IOException {
      queue.purge(ids);
      out.println("deleted " + ids.size() + " held message(s)");
    }
  }

  /**
   * A key as the hold header writes it; text that is no key (e.g. the others' group) is taken as it
   * is.
   */
  private static String canonical(String key) {
    try {
      return LimitKey.parse(key).toString();
    } catch (IllegalArgumentException notAKey) {
      return key;
    }
  }

  /** 3d4h, 2h13m, 5m, 40s. */
  static String age(Duration age) {
    long seconds = Math.max(0, age.toSeconds());
    if (seconds >= 86_400) {
      return seconds / 86_400 + "d" + (seconds % 86_400) / 3600 + "h";
    }
    if (seconds >= 3600) {
      return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
    }
    return seconds >= 60 ? seconds / 60 + "m" : seconds + "s";
  }
}
