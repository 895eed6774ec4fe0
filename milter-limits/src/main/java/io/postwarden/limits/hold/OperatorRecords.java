package io.postwarden.limits.hold;

import io.postwarden.audit.log.Json;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The audit record of an operator command (release, purge, limits reset): when, who (the login, and
 * the user behind sudo), what, and which messages.
 */
public final class OperatorRecords {

  private OperatorRecords() {}

  /**
   * @param event {@code release}, {@code purge} or {@code limits_reset}
   * @param target the key or queue id the operator named
   * @param queueIds the messages the command acted on (none for a reset)
   */
  public static Json record(Clock clock, String event, String target, List<String> queueIds) {
    return new Json()
        .string("time", clock.instant().toString())
        .string("event", event)
        .string("operator", System.getProperty("user.name"))
        .string("sudo_user", Optional.ofNullable(System.getenv("SUDO_USER")).orElse(null))
        .string("target", target)
        .strings("queue_ids", queueIds);
  }
}
