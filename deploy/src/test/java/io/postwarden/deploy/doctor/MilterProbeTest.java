package io.postwarden.deploy.doctor;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.config.Config;
import io.postwarden.deploy.Daemon;
import io.postwarden.deploy.Modules;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake doctor does, against Postwarden itself and against things that are not a milter.
 */
class MilterProbeTest {

  @TempDir Path dir;

  @Test
  void negotiatesWithPostwardenOverTcpAndUnixSockets() throws Exception {
    Path socket = dir.resolve("milter.sock");
    Config config =
        Config.parse(
            "milter = { \"inet:127.0.0.1:0\" }\nnon-smtpd-milter = { \"unix:"
                + socket
                + "\" }\nmetrics-listen = \"\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n",
            "test",
            Modules.schema());
    try (Daemon daemon = Daemon.start(config, (c, r) -> List.of())) {
      MilterProbe.Negotiated tcp =
          MilterProbe.negotiate(daemon.milterAddresses().get(0), Duration.ofSeconds(5));
      assertEquals(6, tcp.version());
      MilterProbe.Negotiated unix =
          MilterProbe.negotiate(UnixDomainSocketAddress.of(socket), Duration.ofSeconds(5));
      assertEquals(6, unix.version());
      List<Finding> findings =
          new MilterListenerCheck(
                  "unix:" + socket,
                  "non-smtpd-milter",
                  "non_smtpd_milters",
                  Duration.ofSeconds(5),
                  "postfix")
              .run();
      assertEquals(Severity.OK, findings.get(0).severity(), findings.toString());
    }
  }

  @Test
  void anSmtpServerIsNotAMilter() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread smtp =
          new Thread(
              () -> {
                for (int i = 0; i < 2; i++) {
                  try (Socket client = server.accept();
                      OutputStream out = client.getOutputStream()) {
                    out.write("220 smtp.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    client.getInputStream().read(new byte[64]);
                  } catch (Exception ignored) {
                    // the probe closes first
                  }
                }
              });
      smtp.setDaemon(true);
      smtp.start();
      MilterProbe.NotAMilter e =
          assertThrows(
              MilterProbe.NotAMilter.class,
              () ->
                  MilterProbe.negotiate(
                      new InetSocketAddress(
                          InetAddress.getLoopbackAddress(), server.getLocalPort()),
                      Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("\"220 \""), e.getMessage());
      List<Finding> findings =
          new MilterListenerCheck(
                  "inet:127.0.0.1:" + server.getLocalPort(),
                  "milter",
                  "smtpd_milters",
                  Duration.ofSeconds(1),
                  "postfix")
              .run();
      assertEquals(Severity.FAIL, findings.get(0).severity());
      assertTrue(
          findings.get(0).text().contains("Is another program listening there?"),
          findings.toString());
    }
  }

  @Test
  void aSilentPeerTimesOut() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      assertThrows(
          SocketTimeoutException.class,
          () ->
              MilterProbe.negotiate(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                  Duration.ofMillis(300)));
      assertTrue(System.nanoTime() - start < 3_000_000_000L, "the deadline holds");
    }
  }

  @Test
  void aMissingUnixSocketFails() {
    List<Finding> findings =
        new MilterListenerCheck(
                "unix:" + dir.resolve("none.sock"),
                "milter",
                "smtpd_milters",
                Duration.ofSeconds(1),
                "postfix")
            .run();
    assertEquals(Severity.FAIL, findings.get(0).severity());
    assertTrue(
        findings.get(0).text().startsWith("unix:" + dir.resolve("none.sock")), findings.toString());
  }
}
