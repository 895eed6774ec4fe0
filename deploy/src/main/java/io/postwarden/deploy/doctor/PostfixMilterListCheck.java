package io.postwarden.deploy.doctor;

import io.postwarden.deploy.doctor.PostfixMilters.Milter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Postfix milter list points at the right Postwarden listener and not at the other one:
 * Postwarden trusts the non-smtpd listener to carry only sendmail(1) submissions.
 */
final class PostfixMilterListCheck implements Check {

  private static final String TOPIC = "postfix";

  private final PostfixSettings postfix;
  private final String parameter;
  private final List<String> wanted;
  private final List<String> forbidden;
  private final String unchecked;
  private final String misrouted;
  private final String daemon;

  private PostfixMilterListCheck(
      PostfixSettings postfix,
      String parameter,
      List<String> wanted,
      List<String> forbidden,
      String unchecked,
      String misrouted) {
    this.postfix = postfix;
    this.parameter = parameter;
    this.wanted = wanted;
    this.forbidden = forbidden;
    this.unchecked = unchecked;
    this.misrouted = misrouted;
    this.daemon = parameter.equals("smtpd_milters") ? "smtpd" : "cleanup";
  }

  private boolean reaches(Milter milter, List<String> specs) {
    return specs.stream()
        .anyMatch(
            spec ->
                PostfixMilters.reaches(
                    milter.name(), spec, path -> postfix.socketPath(path, daemon)));
  }

  /** smtpd_milters must reach a {@code milter} listener and no {@code non-smtpd-milter} one. */
  static PostfixMilterListCheck smtpd(
      PostfixSettings postfix, List<String> milter, List<String> nonSmtpd) {
    return new PostfixMilterListCheck(
        postfix,
        "smtpd_milters",
        milter,
        nonSmtpd,
        "mail from SMTP clients is not checked: no guard, no audit tags, no SRS",
        "SMTP clients would pass as local sendmail(1) submissions and skip the guard");
  }

  /** non_smtpd_milters must reach a {@code non-smtpd-milter} listener and no {@code milter} one. */
  static PostfixMilterListCheck nonSmtpd(
      PostfixSettings postfix, List<String> milter, List<String> nonSmtpd) {
    return new PostfixMilterListCheck(
        postfix,
        "non_smtpd_milters",
        nonSmtpd,
        milter,
        "mail from sendmail(1) (web applications' mail()) leaves without audit tags, SRS or From: repair",
        "mail from sendmail(1) would look like an unauthenticated SMTP client on 127.0.0.1 and be refused by "
            + "the guard");
  }

  @Override
  public List<Finding> run() {
    String value = postfix.get(parameter);
    List<Milter> milters = PostfixMilters.parse(value);
    List<Finding> findings = new ArrayList<>();
    List<Milter> ours = new ArrayList<>();
    for (Milter milter : milters) {
      if (reaches(milter, wanted)) {
        ours.add(milter);
      } else if (reaches(milter, forbidden)) {
        findings.add(
            Finding.fail(
                TOPIC,
                parameter
                    + " lists "
                    + milter.name()
                    + ", Postwarden's listener for the "
                    + (parameter.startsWith("non") ? "smtpd_milters" : "non_smtpd_milters")
                    + " side: "
                    + misrouted
                    + ". Fix: "
                    + fix(milters)));
      }
    }
    if (wanted.isEmpty()) {
      return findings;
    }
    if (ours.isEmpty()) {
      findings.add(
          0,
          Finding.fail(
              TOPIC,
              parameter
                  + " = "
                  + (value.isEmpty() ? "(empty)" : value)
                  + " does not reach Postwarden's "
                  + (parameter.startsWith("non") ? "non-smtpd-milter" : "milter")
                  + " listener "
                  + String.join(", ", wanted)
                  + ": "
                  + unchecked
                  + unixHint()
                  + ". Fix: "
                  + fix(milters)));
    } else if (ours.size() > 1) {
      findings.add(
          0,
          Finding.warn(
              TOPIC,
              parameter
                  + " lists Postwarden "
                  + ours.size()
                  + " times ("
                  + ours
                  + "): every message passes through it "
                  + ours.size()
                  + " times. Keep one"));
    } else {
      findings.add(
          0, Finding.ok(TOPIC, parameter + " reaches Postwarden at " + ours.get(0).name()));
    }
    for (Milter milter : ours) {
      String action = milter.settings().getOrDefault("default_action", "");
      if (action.equalsIgnoreCase("accept")) {
        findings.add(
            Finding.fail(
                TOPIC,
                parameter
                    + " sets default_action=accept for "
                    + milter.name()
                    + ": while Postwarden is down, mail passes unchecked. Fix: remove default_action=accept from that "
                    + "{ ... } entry (milter_default_action = tempfail applies)"));
      } else if (!action.isEmpty() && !action.equalsIgnoreCase("tempfail")) {
        findings.add(
            Finding.warn(
                TOPIC,
                parameter
                    + " sets default_action="
                    + action
                    + " for "
                    + milter.name()
                    + ": while Postwarden is down mail is "
                    + (action.equalsIgnoreCase("reject")
                        ? "refused for good"
                        : "not delivered normally")
                    + "; tempfail makes senders retry instead"));
      }
    }
    return findings;
  }

  /** Where Postfix looks for unix: sockets, when one is involved. */
  private String unixHint() {
    if (wanted.stream().noneMatch(spec -> spec.startsWith("unix:"))) {
      return "";
    }
    Path queue = postfix.queueDirectory();
    return " ("
        + daemon
        + " resolves a unix: path relative to queue_directory "
        + queue
        + (postfix.chrooted(daemon)
            ? ", and runs chrooted there, so even an absolute path is looked up inside "
                + queue
                + "; the socket must live under it"
            : "")
        + ")";
  }

  /**
   * The postconf command that leaves out the wrong listener and adds the right one (first) if
   * missing.
   */
  private String fix(List<Milter> milters) {
    List<String> names = new ArrayList<>();
    boolean present = false;
    for (Milter milter : milters) {
      boolean ours = reaches(milter, wanted);
      // a name that is our socket's path as written, but not where the (chrooted) daemon looks, is
      // replaced
      boolean misnamed =
          !ours && wanted.stream().anyMatch(spec -> PostfixMilters.reaches(milter.name(), spec));
      if (!reaches(milter, forbidden) && !misnamed) {
        names.add(PostfixMilters.render(milter));
        present |= ours;
      }
    }
    if (!present && !wanted.isEmpty()) {
      names.add(0, PostfixMilters.postfixName(wanted.get(0), postfix));
    }
    return postfix.postconfCommand()
        + " -e '"
        + parameter
        + " ="
        + (names.isEmpty() ? "" : " ")
        + String.join(", ", names)
        + "' && postfix reload";
  }
}
