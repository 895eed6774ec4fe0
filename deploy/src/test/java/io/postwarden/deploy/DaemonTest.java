package io.postwarden.deploy;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.core.config.Config;
import io.postwarden.core.testing.MtaEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonTest {

  private static final String EPHEMERAL = "milter = { \"inet:127.0.0.1:0\" }\nnon-smtpd-milter = { \"inet:127.0.0.1:0\" }\n"
      + "metrics-listen = \"127.0.0.1:0\"\n";

  private static HttpResponse<String> get(Daemon daemon, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + daemon.metricsAddress().orElseThrow().getPort() + path);
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMilterAndExportsBoundedMetrics() throws Exception {
    Config config = Config.parse(EPHEMERAL, "test", Modules.schema());
    try (Daemon daemon = Daemon.start(config, (c, r) -> List.of())) {
      try (MtaEmulator mta = MtaEmulator.connect(daemon.milterAddresses().get(0))) {
        mta.openSession("127.0.0.1", 1234);
        mta.macros('M', Map.of("{auth_authen}", "alice"));
        assertEquals('c', mta.transaction("user@x.example", List.of("b@y.example"), Map.of()).get(0).code());
        mta.quit();
      }
      assertEquals(200, get(daemon, "/health").statusCode());
      String metrics = get(daemon, "/metrics").body();
      assertTrue(metrics.contains("postwarden_transactions_total{outcome=\"accepted\"} 1.0"), metrics);
      assertTrue(metrics.contains("postwarden_sessions_total 1.0"), metrics);
      assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics are exported");
      assertFalse(metrics.contains("alice") || metrics.contains("x.example"), "no users or addresses in labels");
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
}
