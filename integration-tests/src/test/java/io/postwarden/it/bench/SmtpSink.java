package io.postwarden.it.bench;

import io.postwarden.it.harness.Ports;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Postfix's {@code smtp-sink}: accepts and discards everything, so delivery costs next to nothing.
 */
final class SmtpSink {

  private SmtpSink() {}

  /**
   * Started as the {@code postfix} user (smtp-sink refuses to run as root); returns it and its
   * port.
   */
  static ExternalDaemon start(BenchDirectory dir, int port) {
    return ExternalDaemon.start(
        dir,
        "smtp-sink",
        List.of("/usr/sbin/smtp-sink", "-u", "postfix", "127.0.0.1:" + port, "256"),
        new InetSocketAddress(Ports.V4, port));
  }
}
