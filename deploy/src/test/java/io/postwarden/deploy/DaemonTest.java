package io.postwarden.deploy;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.config.Config;
import io.postwarden.core.testing.MtaEmulator;
import io.postwarden.core.testing.MtaReply;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonTest {

  private static final String EPHEMERAL =
      "milter = { \"inet:127.0.0.1:0\" }\nnon-smtpd-milter = { \"inet:127.0.0.1:0\" }\n"
          + "metrics-listen = \"127.0.0.1:0\"\nlimits-control-socket = \"\"\nlimits-state-file = \"\"\n";

  private static HttpResponse<String> get(Daemon daemon, String path) throws Exception {
    URI uri =
        URI.create("http://127.0.0.1:" + daemon.metricsAddress().orElseThrow().getPort() + path);
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMilterAndExportsBoundedMetrics() throws Exception {
    Config config = Config.parse(EPHEMERAL, "test", Modules.schema());
    try (Daemon daemon = Daemon.start(config, (c, r) -> List.of())) {
      try (MtaEmulator mta = MtaEmulator.connect(daemon.milterAddresses().get(0))) {
        mta.openSession("127.0.0.1", 1234);
        mta.macros('M', Map.of("{auth_authen}", "alice"));
        assertEquals(
            'c', mta.transaction("user@x.example", List.of("b@y.example"), Map.of()).get(0).code());
        mta.quit();
      }
      assertEquals(200, get(daemon, "/health").statusCode());
      String metrics = get(daemon, "/metrics").body();
      assertTrue(
          metrics.contains("postwarden_transactions_total{outcome=\"accepted\"} 1.0"), metrics);
      assertTrue(metrics.contains("postwarden_sessions_total 1.0"), metrics);
      assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics are exported");
      assertFalse(
          metrics.contains("alice") || metrics.contains("x.example"),
          "no users or addresses in labels");
    }
  }

  @Test
  void reloadAppliesToNewSessionsWhileSessionsInFlightKeepTheirPolicies(@TempDir Path dir)
      throws Exception {
    String base =
        EPHEMERAL
            + "secrets-file = \""
            + dir.resolve("srs.secret")
            + "\"\naudit-log = \""
            + dir.resolve("audit.log")
            + "\"\naudit-key-file = \""
            + dir.resolve("audit.key")
            + "\"\n";
    Config open = Config.parse(base + "guard = no\n", "test", Modules.schema());
    try (Daemon daemon = Daemon.start(open, Modules::policies)) {
      SocketAddress milter = daemon.milterAddresses().get(0);
      try (MtaEmulator before = MtaEmulator.connect(milter)) {
        before.openSession("127.0.0.1", 40001);
        assertTrue(daemon.reload(Config.parse(base + "guard = yes\n", "test", Modules.schema())));
        assertEquals('c', before.mail("<ann@outside.example>").code(), "started under guard = no");
        try (MtaEmulator after = MtaEmulator.connect(milter)) {
          after.openSession("127.0.0.1", 40002);
          MtaReply refused = after.mail("<ann@outside.example>");
          assertEquals('y', refused.code());
          assertTrue(refused.text().startsWith("530 5.7.0"), refused.text());
        }
        before.rcpt("<bob@far.example>");
        List<MtaReply> replies = before.endOfMessage();
        assertEquals('c', replies.get(replies.size() - 1).code(), "the old policies still answer");
      }
    }
  }

  @Test
  void reloadWithUnusablePolicyFilesIsRefusedAndTheRunningConfigurationKept(@TempDir Path dir)
      throws Exception {
    String base =
        EPHEMERAL
            + "secrets-file = \""
            + dir.resolve("srs.secret")
            + "\"\naudit-log = \""
            + dir.resolve("audit.log")
            + "\"\naudit-key-file = \""
            + dir.resolve("audit.key")
            + "\"\nguard = no\n";
    try (Daemon daemon =
        Daemon.start(Config.parse(base, "test", Modules.schema()), Modules::policies)) {
      Config broken =
          Config.parse(
              EPHEMERAL
                  + "secrets-file = \""
                  + dir
                  + "\"\nsrs-domain = s.example\n"
                  + "audit-log = \""
                  + dir.resolve("audit.log")
                  + "\"\nguard = yes\n",
              "test",
              Modules.schema());
      assertFalse(daemon.reload(broken));
      try (MtaEmulator mta = MtaEmulator.connect(daemon.milterAddresses().get(0))) {
        mta.openSession("127.0.0.1", 40003);
        assertEquals('c', mta.mail("<ann@outside.example>").code(), "still the old guard = no");
      }
    }
  }

  @Test
  void shutdownStopsServingHealthAndMetrics() throws Exception {
    Config config = Config.parse(EPHEMERAL + "shutdown-grace = 1s\n", "test", Modules.schema());
    Daemon daemon = Daemon.start(config, (c, r) -> List.of());
    assertEquals(200, get(daemon, "/health").statusCode());
    daemon.shutdown();
    assertThrows(java.io.IOException.class, () -> get(daemon, "/health"));
  }

  /**
   * Sends a request, returns the reply up to (without) {@code end}: '\n' for tcp_table, ',' for
   * socketmap.
   */
  private static String ask(SocketAddress address, String request, char end) throws Exception {
    java.net.InetSocketAddress inet = (java.net.InetSocketAddress) address;
    try (java.net.Socket socket = new java.net.Socket(inet.getAddress(), inet.getPort())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      StringBuilder reply = new StringBuilder();
      for (int c = socket.getInputStream().read();
          c != end && c >= 0;
          c = socket.getInputStream().read()) {
        reply.append((char) c);
      }
      return reply.toString();
    }
  }

  private static String ask(SocketAddress address, String line) throws Exception {
    return ask(address, line, '\n');
  }

  private static String netstring(String payload) {
    return payload.length() + ":" + payload + ",";
  }

  @Test
  void servesTheSrsLookupTablesAndReloadsThem(@TempDir Path dir) throws Exception {
    String base =
        EPHEMERAL
            + "secrets-file = \""
            + dir.resolve("srs.secret")
            + "\"\naudit-log = \""
            + dir.resolve("audit.log")
            + "\"\naudit-key-file = \""
            + dir.resolve("audit.key")
            + "\"\nsrs-domain = srs.example\npostfix-config-dir = \"\"\n"
            + "socketmap = { \"inet:127.0.0.1:0\" }\n"
            + "tcp-table = { \"forward=inet:127.0.0.1:0\", \"reverse=inet:127.0.0.1:0\" }\n";
    try (Daemon daemon =
        Daemon.start(Config.parse(base, "test", Modules.schema()), Modules::policies)) {
      String forward = ask(daemon.tcpTableAddresses().get(0), "get ann@outside.example\n");
      assertTrue(forward.matches("200 SRS0=.{8}=..=outside\\.example=ann@srs\\.example"), forward);
      String srs = forward.substring(4);
      assertEquals(
          "200 ann@outside.example", ask(daemon.tcpTableAddresses().get(1), "get " + srs + "\n"));
      assertEquals(
          "22:OK ann@outside.example",
          ask(daemon.socketmapAddresses().get(0), netstring("reverse " + srs), ','));
      assertTrue(
          daemon.reload(
              Config.parse(base + "domains = { outside.example }\n", "test", Modules.schema())));
      assertTrue(
          ask(daemon.tcpTableAddresses().get(0), "get ann@outside.example\n").startsWith("500 "),
          "after the reload outside.example is ours and keeps its senders");
      String metrics = daemon.registry().scrape();
      assertTrue(
          metrics.contains("postwarden_lookups_total{map=\"forward\",result=\"found\"} 1.0"),
          metrics);
      assertTrue(
          metrics.contains("postwarden_lookups_total{map=\"forward\",result=\"not_found\"} 1.0"),
          metrics);
    }
  }

  @Test
  void lookupTablesNeedSrsAndKnownTableNames() throws Exception {
    assertEquals(
        List.of("socketmap, tcp-table: the lookup tables are SRS's; set srs-domain (or domains)"),
        Modules.crossKeyProblems(
                Config.parse(
                    "socketmap = { \"inet:127.0.0.1:10003\" }\n", "test", Modules.schema()))
            .stream()
            .filter(p -> p.startsWith("socketmap"))
            .toList());
    assertTrue(
        Modules.crossKeyProblems(
                Config.parse(
                    "srs-domain = s.example\ntcp-table = { \"fwd=inet:127.0.0.1:1\" }\n",
                    "test",
                    Modules.schema()))
            .contains(
                "tcp-table: no table named fwd; the tables are forward, reverse, "
                    + "srs-null-sender, srs-client, srs-verify"));
  }
}
