package io.postwarden.deploy.doctor;

/** One line of doctor's report: what was checked and, unless OK, what to do about it. */
public record Finding(Severity severity, String topic, String text) {

  static Finding ok(String topic, String text) {
    return new Finding(Severity.OK, topic, text);
  }

  static Finding warn(String topic, String text) {
    return new Finding(Severity.WARN, topic, text);
  }

  static Finding fail(String topic, String text) {
    return new Finding(Severity.FAIL, topic, text);
  }

  static Finding skip(String topic, String text) {
    return new Finding(Severity.SKIP, topic, text);
  }

  /** {@code FAIL milter: inet:127.0.0.1:8895 ...}, severity padded so the topics line up. */
  public String line() {
    return String.format("%-4s %s: %s", severity, topic, text);
  }
}
