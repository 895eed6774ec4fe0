package io.postwarden.it.bench;

import io.postwarden.it.harness.Ports;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The reference milter: a pass-through on libmilter through Debian's python3-milter ({@code
 * passthrough-milter.py} beside this class), which answers every stage and changes nothing. What
 * any libmilter milter costs at least.
 */
final class PyMilter implements AutoCloseable {

  private final SocketAddress listener;
  private final ExternalDaemon process;

  private PyMilter(SocketAddress listener, ExternalDaemon process) {
    this.listener = listener;
    this.process = process;
  }

  /** On a loopback TCP port, as Postfix's main.cf names it in the benchmark through Postfix. */
  static PyMilter start(BenchDirectory dir) {
    InetSocketAddress listener = new InetSocketAddress(Ports.V4, Ports.freePort());
    return new PyMilter(
        listener,
        ExternalDaemon.start(
            dir,
            "pymilter",
            List.of("/usr/bin/python3", script(), "inet:" + listener.getPort() + "@127.0.0.1"),
            listener));
  }

  /** On a unix socket at {@code path}, as Postwarden's package listens. */
  static PyMilter onUnixSocket(BenchDirectory dir, Path path) {
    ExternalDaemon process =
        ExternalDaemon.start(
            dir, "pymilter", List.of("/usr/bin/python3", script(), "unix:" + path));
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(path)) {
      if (System.nanoTime() > deadline) {
        process.close();
        throw new IllegalStateException("pymilter made no socket at " + path);
      }
      process.cpuNanos(); // fails with the log's tail if it died
      LockSupport.parkNanos(20_000_000);
    }
    return new PyMilter(UnixDomainSocketAddress.of(path), process);
  }

  private static String script() {
    try {
      return Path.of(PyMilter.class.getResource("passthrough-milter.py").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  SocketAddress listener() {
    return listener;
  }

  /** As main.cf names it (TCP only). */
  String endpoint() {
    return "inet:127.0.0.1:" + ((InetSocketAddress) listener).getPort();
  }

  ExternalDaemon process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
