package io.postwarden.deploy.doctor;

import io.postwarden.core.postfix.PostfixCommands;
import java.io.IOException;
import java.util.List;

/**
 * With {@code srs-forward-cleanup = true} the milter leaves local(8)'s forwards to a cleanup
 * service of their own (ADR 0028): unless master.cf sends them there, and that service asks
 * Postwarden's forward table, aliases and ~/.forward files send mail on with its original sender,
 * and it fails SPF.
 */
final class ForwardCleanupCheck implements Check {

  private static final String TOPIC = "forwarding";
  private static final String FIX =
      ". Fix: append deploy/postfix/master.cf-forward-cleanup.snippet to master.cf, run "
          + "postconf -P local/unix/cleanup_service_name=postwarden-forward and postfix reload, or set "
          + "srs-forward-cleanup = false";

  private final PostfixCommands postfix;

  ForwardCleanupCheck(PostfixCommands postfix) {
    this.postfix = postfix;
  }

  @Override
  public List<Finding> run() {
    try {
      return List.of(finding());
    } catch (IOException e) {
      return List.of(Finding.fail(TOPIC, "cannot ask postconf: " + e.getMessage()));
    }
  }

  private Finding finding() throws IOException {
    String ordinary = postfix.setting("cleanup_service_name");
    String service = serviceSetting("local", "cleanup_service_name", ordinary);
    if (service.equals(ordinary)) {
      return Finding.fail(
          TOPIC,
          "srs-forward-cleanup = true, but local(8) hands the copies it forwards to "
              + ordinary
              + ", where nothing rewrites them: aliases and ~/.forward send mail on unrewritten"
              + FIX);
    }
    if (postfix.postconf("-M", service + "/unix").isBlank()) {
      return Finding.fail(
          TOPIC,
          "local(8) hands forwarded copies to "
              + service
              + ", which master.cf does not define: they wait in the queue"
              + FIX);
    }
    String maps =
        serviceSetting(service, "sender_canonical_maps", postfix.setting("sender_canonical_maps"));
    if (!(maps.contains("socketmap:") && maps.contains(":forward"))) {
      return Finding.fail(
          TOPIC,
          "local(8) hands forwarded copies to "
              + service
              + ", whose sender_canonical_maps ("
              + (maps.isEmpty() ? "empty" : maps)
              + ") is not Postwarden's forward table"
              + FIX);
    }
    return Finding.ok(
        TOPIC,
        "local(8) forwards through "
            + service
            + ", which rewrites with Postwarden's forward table; copies kept here keep their sender");
  }

  /** A master.cf -o override of {@code name} for {@code service}, else {@code otherwise}. */
  private String serviceSetting(String service, String name, String otherwise) throws IOException {
    String value = postfix.postconf("-h", "-P", service + "/unix/" + name).trim();
    return value.isEmpty() ? otherwise : value;
  }
}
