package io.postwarden.deploy.doctor;

import java.util.List;
import java.util.Locale;

/**
 * milter_default_action decides what happens to mail while Postwarden is down: it must be tempfail.
 */
final class PostfixDefaultActionCheck implements Check {

  private static final String TOPIC = "postfix";

  private final PostfixSettings postfix;

  PostfixDefaultActionCheck(PostfixSettings postfix) {
    this.postfix = postfix;
  }

  @Override
  public List<Finding> run() {
    String action = postfix.get("milter_default_action").toLowerCase(Locale.ROOT);
    String fix =
        ". Fix: "
            + postfix.postconfCommand()
            + " -e 'milter_default_action = tempfail' && postfix reload";
    return List.of(
        switch (action) {
          case "tempfail" ->
              Finding.ok(
                  TOPIC,
                  "milter_default_action = tempfail: while Postwarden is down, SMTP "
                      + "clients retry later and sendmail(1) mail waits in the queue");
          case "accept" ->
              Finding.fail(
                  TOPIC,
                  "milter_default_action = accept: while Postwarden is down or "
                      + "overloaded, mail passes unchecked (no guard, no audit tags, no SRS)"
                      + fix);
          case "reject" ->
              Finding.warn(
                  TOPIC,
                  "milter_default_action = reject: while Postwarden is down, mail is "
                      + "refused for good (5xx) instead of retried"
                      + fix);
          case "quarantine" ->
              Finding.warn(
                  TOPIC,
                  "milter_default_action = quarantine: while Postwarden is down, "
                      + "every message lands in the hold queue until released by hand (postsuper -H)"
                      + fix);
          default ->
              Finding.warn(
                  TOPIC,
                  "milter_default_action = "
                      + action
                      + " is not one Postfix knows "
                      + "(accept, reject, tempfail, quarantine)"
                      + fix);
        });
  }
}
