package io.postwarden.it.harness;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened in one {@link SmtpClient} session, step by step.
 *
 * <p>{@link #failedStep()} is the step whose reply ended the transaction (a rejected MAIL, AUTH,
 * DATA or end-of-data, or the last RCPT when every recipient was refused); {@link #code()} is that
 * step's code, or the final reply's code when the message was accepted. A recipient refused while
 * others were accepted does not fail the session: see {@link #rcptReplies()}.
 */
public final class SmtpResult {

  /** The steps of a session. */
  public enum Step {
    CONNECT,
    EHLO,
    AUTH,
    MAIL,
    RCPT,
    DATA,
    END_OF_DATA,
    QUIT
  }

  /**
   * One command and its reply; {@code command} is null for the greeting, AUTH credentials are
   * masked.
   */
  public record Exchange(Step step, String command, SmtpReply reply) {}

  private static final Pattern QUEUED_AS = Pattern.compile("queued as (\\S+)");

  private final List<Exchange> exchanges;
  private final Step failedStep;
  private final Exchange deciding;

  SmtpResult(List<Exchange> exchanges, Step failedStep, Exchange deciding) {
    this.exchanges = List.copyOf(exchanges);
    this.failedStep = failedStep;
    this.deciding = deciding;
  }

  /**
   * True when the transaction completed with a 2xx reply (to end-of-data, or to RCPT for a no-DATA
   * session).
   */
  public boolean accepted() {
    return failedStep == null;
  }

  /** The step that ended the transaction, or null when it was accepted. */
  public Step failedStep() {
    return failedStep;
  }

  /** The reply that decided the outcome: the failing step's, or the final one. */
  public SmtpReply reply() {
    return deciding.reply();
  }

  /** Code of {@link #reply()}: e.g. 250, 451, 535; -1 if the connection ended without a reply. */
  public int code() {
    return deciding.reply().code();
  }

  /** Enhanced status code of {@link #reply()}, e.g. "4.7.1", or "". */
  public String enhancedCode() {
    return deciding.reply().enhanced();
  }

  /** The first reply of a step, if that step was reached. */
  public Optional<SmtpReply> replyAt(Step step) {
    return exchanges.stream().filter(e -> e.step() == step).map(Exchange::reply).findFirst();
  }

  /** The RCPT replies in order of the recipients given. */
  public List<SmtpReply> rcptReplies() {
    return exchanges.stream().filter(e -> e.step() == Step.RCPT).map(Exchange::reply).toList();
  }

  /** The queue id from "250 2.0.0 Ok: queued as ID". */
  public Optional<String> queueId() {
    return replyAt(Step.END_OF_DATA)
        .flatMap(
            r -> {
              Matcher m = QUEUED_AS.matcher(r.text());
              return m.find() ? Optional.of(m.group(1)) : Optional.empty();
            });
  }

  public List<Exchange> exchanges() {
    return exchanges;
  }

  /** The dialogue, "C: " and "S: " lines, for assertion messages. */
  public String transcript() {
    StringBuilder sb = new StringBuilder();
    for (Exchange e : exchanges) {
      if (e.command() != null) {
        sb.append("C: ").append(e.command()).append('\n');
      }
      List<String> lines = e.reply().lines();
      for (int i = 0; i < lines.size(); i++) {
        sb.append("S: ")
            .append(e.reply().code())
            .append(i + 1 < lines.size() ? "-" : " ")
            .append(lines.get(i))
            .append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return (accepted() ? "accepted " : "failed at " + failedStep + " ")
        + reply()
        + "\n"
        + transcript();
  }
}
