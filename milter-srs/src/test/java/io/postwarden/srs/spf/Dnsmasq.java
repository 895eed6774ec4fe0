package io.postwarden.srs.spf;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Type;

/**
 * A real DNS server for tests: Debian's dnsmasq serving a few records on a free loopback port, and
 * nothing else. No upstream servers (--no-resolv), no /etc/hosts, no DHCP (no dhcp-range is given),
 * no pid file, no system config file; /etc/resolv.conf is neither read nor written. Names under
 * test.example that it does not know get NXDOMAIN. Shared (test-jar) by the SPF tests here,
 * doctor's tests and the integration tests.
 */
public final class Dnsmasq implements AutoCloseable {

  public static final String PACKAGE_HINT =
      "install Debian's dnsmasq-base package (apt-get install dnsmasq-base, or "
          + "scripts/install-deps --test)";

  private final Process process;
  private final int port;
  private final Path log;

  private Dnsmasq(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * @param records dnsmasq options such as {@code --mx-host=a.test.example,mx.test.example,10}; TXT
   *     values go in unquoted (dnsmasq keeps quotes given on its command line as part of the text)
   */
  public static Dnsmasq start(Path workDirectory, List<String> records)
      throws IOException, InterruptedException {
    String binary = binary();
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      Path log = workDirectory.resolve("dnsmasq-" + port + ".log");
      List<String> command =
          new ArrayList<>(
              List.of(
                  binary,
                  "--keep-in-foreground",
                  "--conf-file=/dev/null",
                  "--no-resolv",
                  "--no-hosts",
                  "--pid-file=",
                  "--log-facility=-",
                  "--port=" + port,
                  "--listen-address=127.0.0.1",
                  "--bind-interfaces",
                  "--local=/test.example/"));
      command.addAll(records);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Dnsmasq dnsmasq = new Dnsmasq(process, port, log);
      if (dnsmasq.awaitReady()) {
        return dnsmasq;
      }
      dnsmasq.close();
      String output = Files.readString(log);
      if (!output.contains("Address already in use")) {
        fail("dnsmasq did not start: " + output);
      }
      last = new IOException(output);
    }
    throw new IOException("no free port for dnsmasq", last);
  }

  private static String binary() {
    List<String> directories =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    directories.addAll(List.of("/usr/sbin", "/sbin"));
    for (String directory : directories) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "dnsmasq"))) {
        return Path.of(directory, "dnsmasq").toString();
      }
    }
    return fail(
        "dnsmasq not found in PATH or /usr/sbin, and the doctor's DNS tests need a real DNS server: "
            + PACKAGE_HINT);
  }

  /** A port free for both UDP and TCP on 127.0.0.1 right now. */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (DatagramSocket udp =
          new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no port free for both UDP and TCP");
  }

  private boolean awaitReady() throws IOException, InterruptedException {
    Resolver resolver = DnsResolvers.server(server(), Duration.ofMillis(200));
    Message query =
        Message.newQuery(
            Record.newRecord(Name.fromConstantString("ready.test.example."), Type.A, DClass.IN));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        resolver.send(query);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    fail("dnsmasq did not answer within 10s: " + Files.readString(log));
    return false;
  }

  /** For --dns-server and srs-lazy-dns-server: {@code 127.0.0.1:PORT}. */
  public String server() {
    return "127.0.0.1:" + port;
  }

  /** A resolver that asks this server only. */
  public Resolver resolver(Duration timeout) throws IOException {
    return DnsResolvers.server(server(), timeout);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
