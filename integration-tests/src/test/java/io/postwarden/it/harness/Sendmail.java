package io.postwarden.it.harness;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A local submission through Postfix's {@code sendmail(1)} (→ postdrop → maildrop → pickup →
 * cleanup, which runs {@code non_smtpd_milters}).
 *
 * <pre>{@code
 * Sendmail.Result r = stack.sendmail().from("root@test.example").to("bob@outside.example")
 *         .message("Subject: hi\n\nbody\n").send();
 * }</pre>
 *
 * <p>Root uses {@code sendmail -C DIR}. {@link #asUser(String)} runs it through {@code runuser};
 * that needs the stack built with {@link MailStack.Builder#allowNonRootSendmail()} (see {@link
 * AlternateConfigDirs}). {@code -i} is always passed: a line with a single dot does not end the
 * message.
 */
public final class Sendmail {

  /**
   * Outcome of the sendmail process. sendmail exits 0 once the message is in maildrop, milter or
   * not.
   */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final PostfixInstance postfix;
  private String sender;
  private final List<String> recipients = new ArrayList<>();
  private final List<String> options = new ArrayList<>();
  private String fullName;
  private boolean extractRecipients;
  private String user;
  private byte[] message = new byte[0];

  Sendmail(PostfixInstance postfix) {
    this.postfix = postfix;
  }

  /**
   * Envelope sender ({@code -f}); "" for the null sender. Without it Postfix uses the login name @
   * myorigin.
   */
  public Sendmail from(String sender) {
    this.sender = sender;
    return this;
  }

  public Sendmail to(String... rcpts) {
    recipients.addAll(List.of(rcpts));
    return this;
  }

  /** {@code -F}: the full name cleanup puts in a From: it adds. */
  public Sendmail fullName(String name) {
    this.fullName = name;
    return this;
  }

  /** {@code -t}: take recipients from To:/Cc:/Bcc:. */
  public Sendmail extractRecipients() {
    this.extractRecipients = true;
    return this;
  }

  /** Any further sendmail options, e.g. {@code "-N", "never"}. */
  public Sendmail option(String... opts) {
    options.addAll(List.of(opts));
    return this;
  }

  /** Run as this Unix user instead of root (needs {@code allowNonRootSendmail()}). */
  public Sendmail asUser(String unixUser) {
    this.user = unixUser;
    return this;
  }

  /** The message as text (LF or CRLF line ends both fine). */
  public Sendmail message(String text) {
    return message(text.getBytes(StandardCharsets.UTF_8));
  }

  public Sendmail message(byte[] raw) {
    this.message = raw.clone();
    return this;
  }

  public Result send() {
    List<String> cmd = new ArrayList<>();
    if (user != null) {
      cmd.addAll(List.of("runuser", "-u", user, "--"));
    }
    cmd.addAll(List.of("/usr/sbin/sendmail", "-C", postfix.configDir().toString(), "-i"));
    if (sender != null) {
      cmd.add("-f");
      cmd.add(sender);
    }
    if (fullName != null) {
      cmd.add("-F");
      cmd.add(fullName);
    }
    if (extractRecipients) {
      cmd.add("-t");
    }
    cmd.addAll(options);
    cmd.add("--");
    cmd.addAll(recipients);
    Exec.Result r = Exec.run(cmd, Map.of(), message, Duration.ofSeconds(30));
    return new Result(r.exitCode(), r.stdout(), r.stderr());
  }
}
