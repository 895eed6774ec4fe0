package io.postwarden.it.bench;

import io.postwarden.it.harness.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Debian's PostSRSd 1.10 started privately: its own secret, loopback ports picked at run time, no
 * system service. Postfix asks it through {@code tcp:} canonical maps; it forks a child per map
 * connection.
 */
final class PostSrsd implements AutoCloseable {

  private final int forwardPort;
  private final int reversePort;
  private final ExternalDaemon process;

  private PostSrsd(int forwardPort, int reversePort, ExternalDaemon process) {
    this.forwardPort = forwardPort;
    this.reversePort = reversePort;
    this.process = process;
  }

  static PostSrsd start(BenchDirectory dir) {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    Path secretFile =
        dir.write("postsrsd.secret", Base64.getEncoder().encodeToString(secret) + "\n");
    try {
      Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int forward = Ports.freePort();
    int reverse = Ports.freePort();
    List<String> command =
        List.of(
            "/usr/sbin/postsrsd",
            "-s" + secretFile,
            "-dsrs.test.example",
            "-Xtest.example",
            "-l127.0.0.1",
            "-4",
            "-f" + forward,
            "-r" + reverse,
            "-unobody");
    return new PostSrsd(
        forward,
        reverse,
        ExternalDaemon.start(
            dir,
            "postsrsd",
            command,
            new InetSocketAddress(Ports.V4, forward),
            new InetSocketAddress(Ports.V4, reverse)));
  }

  /** main.cf settings that send every envelope address through it, as its Debian README shows. */
  List<String> postfixSettings() {
    return List.of(
        "sender_canonical_maps=tcp:127.0.0.1:" + forwardPort,
        "sender_canonical_classes=envelope_sender",
        "recipient_canonical_maps=tcp:127.0.0.1:" + reversePort,
        "recipient_canonical_classes=envelope_recipient,header_recipient");
  }

  ExternalDaemon process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
