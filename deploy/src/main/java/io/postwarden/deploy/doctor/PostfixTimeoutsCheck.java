package io.postwarden.deploy.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The milter protocol version Postfix speaks, and its milter timeouts against Postwarden's
 * policy-timeout: Postwarden must give up (and tempfail with its reason logged) before Postfix
 * gives up on it.
 */
final class PostfixTimeoutsCheck implements Check {

  private static final String TOPIC = "postfix";

  private final PostfixSettings postfix;
  private final Duration policyTimeout;

  PostfixTimeoutsCheck(PostfixSettings postfix, Duration policyTimeout) {
    this.postfix = postfix;
    this.policyTimeout = policyTimeout;
  }

  @Override
  public List<Finding> run() {
    List<Finding> findings = new ArrayList<>();
    String protocol = postfix.get("milter_protocol");
    if (protocol.equals("6")) {
      findings.add(Finding.ok(TOPIC, "milter_protocol = 6"));
    } else {
      findings.add(
          Finding.warn(
              TOPIC,
              "milter_protocol = "
                  + protocol
                  + ": Postwarden asks Postfix for the "
                  + "macros it needs (client address, SASL login, queue id) only with protocol 6; without them the guard "
                  + "and the audit tags know less. Fix: "
                  + postfix.postconfCommand()
                  + " -e 'milter_protocol = 6' && postfix reload"));
    }
    List<String> tooShort = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    for (String name : List.of("milter_command_timeout", "milter_content_timeout")) {
      Optional<Duration> value = duration(postfix.get(name));
      if (value.isEmpty()) {
        findings.add(
            Finding.warn(
                TOPIC, name + " = " + postfix.get(name) + " is not a time Postfix understands"));
      } else if (value.get().compareTo(policyTimeout) <= 0) {
        tooShort.add(name + " (" + postfix.get(name) + ")");
      } else {
        fine.add(name + " (" + postfix.get(name) + ")");
      }
    }
    String policy = "policy-timeout (" + policyTimeout.toSeconds() + "s)";
    if (!tooShort.isEmpty()) {
      findings.add(
          Finding.warn(
              TOPIC,
              String.join(" and ", tooShort)
                  + " not above Postwarden's "
                  + policy
                  + ": Postfix gives up first and applies milter_default_action, without Postwarden's reason in the log. "
                  + "Raise the Postfix timeout or lower policy-timeout"));
    } else if (!fine.isEmpty()) {
      findings.add(
          Finding.ok(TOPIC, "Postwarden's " + policy + " is below " + String.join(" and ", fine)));
    }
    return findings;
  }

  /**
   * A Postfix time value: a number with an optional unit (s, m, h, d, w; seconds when there is
   * none).
   */
  static Optional<Duration> duration(String value) {
    var matcher =
        java.util.regex.Pattern.compile("(\\d+)([smhdw]?)")
            .matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    return Optional.of(
        switch (matcher.group(2)) {
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          case "d" -> Duration.ofDays(amount);
          case "w" -> Duration.ofDays(7 * amount);
          default -> Duration.ofSeconds(amount);
        });
  }
}
