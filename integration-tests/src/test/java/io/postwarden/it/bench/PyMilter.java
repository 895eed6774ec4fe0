package io.postwarden.it.bench;

import io.postwarden.it.harness.Ports;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference milter: a pass-through on libmilter through Debian's python3-milter ({@code
 * passthrough-milter.py} beside this class), which answers every stage and changes nothing. What
 * any libmilter milter costs at least.
 */
final class PyMilter implements AutoCloseable {

  private final InetSocketAddress listener;
  private final ExternalDaemon process;

  private PyMilter(InetSocketAddress listener, ExternalDaemon process) {
    this.listener = listener;
    this.process = process;
  }

  static PyMilter start(BenchDirectory dir) {
    Path script;
    try {
      script = Path.of(PyMilter.class.getResource("passthrough-milter.py").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    InetSocketAddress listener = new InetSocketAddress(Ports.V4, Ports.freePort());
    return new PyMilter(
        listener,
        ExternalDaemon.start(
            dir,
            "pymilter",
            List.of("/usr/bin/python3", script.toString(), Integer.toString(listener.getPort())),
            listener));
  }

  InetSocketAddress listener() {
    return listener;
  }

  String endpoint() {
    return "inet:127.0.0.1:" + listener.getPort();
  }

  ExternalDaemon process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
