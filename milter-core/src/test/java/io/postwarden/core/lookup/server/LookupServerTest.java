package io.postwarden.core.lookup.server;

import static org.junit.jupiter.api.Assertions.*;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.server.Endpoint;
import io.postwarden.core.server.SocketAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup server over real sockets: both protocols, errors, bounds, metrics. */
class LookupServerTest {

  /** Upper-cases keys that contain '@'; remembers the previous key of its connection. */
  private static final LookupTable UPPER =
      (key, context) ->
          key.contains("@")
              ? new LookupResult.Found(key.toUpperCase(Locale.ROOT))
              : LookupResult.NOT_FOUND;

  private static final LookupTable PREVIOUS =
      (key, context) -> {
        String previous = context.noted(String.class).orElse("none");
        context.note(String.class, key);
        return new LookupResult.Found(previous);
      };
  private static final LookupTable BROKEN =
      (key, context) -> {
        throw new IllegalStateException("bug");
      };

  /** Releases the lookups of {@link #store} that wait. */
  private final CountDownLatch storeAnswers = new CountDownLatch(1);

  /**
   * Plays a network store: a key starting with "wait" may block, and does until {@link
   * #storeAnswers}; it notes the key for the connection, as PREVIOUS does.
   */
  private final LookupTable store =
      new LookupTable() {
        @Override
        public LookupResult lookup(String key, LookupContext context) {
          if (key.startsWith("wait")) {
            try {
              storeAnswers.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          context.note(String.class, key);
          return new LookupResult.Found("stored " + key);
        }

        @Override
        public boolean mayBlock(String key) {
          return key.startsWith("wait");
        }
      };

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LookupServer server;

  private LookupServer start(int maxConnections) {
    Map<String, LookupTable> tables =
        Map.of("upper", UPPER, "previous", PREVIOUS, "broken", BROKEN, "store", store);
    server =
        new LookupServer(
            new LookupServerSettings(
                List.of(
                    Endpoint.parse("inet:127.0.0.1:0"),
                    Endpoint.parse("unix:" + dir.resolve("lookup.sock"))),
                tcpTables(),
                maxConnections,
                Duration.ofMinutes(1),
                new SocketAccess("nogroup", PosixFilePermissions.fromString("rw-rw----"))),
            tables,
            new LookupMetrics(registry, tables.keySet()));
    server.start();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Socket socketmap() throws IOException {
    InetSocketAddress address = (InetSocketAddress) server.socketmapAddresses().get(0);
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(5000);
    return socket;
  }

  /** upper, then store: one listener each. */
  private static Map<String, Endpoint> tcpTables() {
    Map<String, Endpoint> tables = new LinkedHashMap<>();
    tables.put("upper", Endpoint.parse("inet:127.0.0.1:0"));
    tables.put("store", Endpoint.parse("inet:127.0.0.1:0"));
    return tables;
  }

  private Socket tcpTable() throws IOException {
    return tcpTable(0);
  }

  private Socket tcpTable(int index) throws IOException {
    InetSocketAddress address = (InetSocketAddress) server.tcpTableAddresses().get(index);
    Socket socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(5000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  private static String netstring(String payload) {
    return payload.getBytes(StandardCharsets.ISO_8859_1).length + ":" + payload + ",";
  }

  /** Reads one netstring reply (its payload). */
  private static String readNetstring(InputStream in) throws IOException {
    StringBuilder length = new StringBuilder();
    int c;
    while ((c = in.read()) != ':') {
      if (c < 0) {
        throw new IOException("closed");
      }
      length.append((char) c);
    }
    byte[] payload = in.readNBytes(Integer.parseInt(length.toString()));
    assertEquals(',', in.read());
    return new String(payload, StandardCharsets.ISO_8859_1);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("closed");
      }
      line.write(c);
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private double lookups(String map, String result) {
    return registry
        .get("postwarden.lookups")
        .tag("map", map)
        .tag("result", result)
        .counter()
        .count();
  }

  @Test
  void socketmapAnswersPipelinedRequestsInOrderOnOneConnection() throws Exception {
    start(10);
    try (Socket socket = socketmap()) {
      send(
          socket,
          netstring("upper ann@example.org")
              + netstring("upper no-at-sign")
              + netstring("previous a")
              + netstring("previous b"));
      InputStream in = socket.getInputStream();
      assertEquals("OK ANN@EXAMPLE.ORG", readNetstring(in));
      assertEquals("NOTFOUND ", readNetstring(in));
      assertEquals("OK none", readNetstring(in));
      assertEquals("OK a", readNetstring(in), "a connection remembers what its tables noted");
    }
    try (Socket other = socketmap()) {
      send(other, netstring("previous c"));
      assertEquals(
          "OK none", readNetstring(other.getInputStream()), "another connection starts afresh");
    }
    assertEquals(1, lookups("upper", "found"));
    assertEquals(1, lookups("upper", "not_found"));
  }

  @Test
  void aLookupThatMayBlockLeavesTheNetworkThreadsToOtherConnections() throws Exception {
    start(100);
    try (Socket waiting = socketmap()) {
      send(waiting, netstring("store wait-for-the-store"));
      // more connections than network threads: one of them shares the waiting one's thread
      int threads = 2 * Runtime.getRuntime().availableProcessors();
      for (int i = 0; i <= threads; i++) {
        try (Socket other = socketmap()) {
          send(other, netstring("upper ann@example.org"));
          assertEquals(
              "OK ANN@EXAMPLE.ORG", readNetstring(other.getInputStream()), "connection " + i);
        }
      }
      storeAnswers.countDown();
      assertEquals("OK stored wait-for-the-store", readNetstring(waiting.getInputStream()));
    }
  }

  @Test
  void requestsAfterOneThatWaitsForTheStoreAreAnsweredAfterIt() throws Exception {
    start(10);
    try (Socket socket = socketmap()) {
      send(
          socket,
          netstring("store wait-1") + netstring("upper ann@example.org") + netstring("previous x"));
      storeAnswers.countDown();
      InputStream in = socket.getInputStream();
      assertEquals("OK stored wait-1", readNetstring(in));
      assertEquals("OK ANN@EXAMPLE.ORG", readNetstring(in));
      assertEquals("OK wait-1", readNetstring(in), "the next lookup sees what the store noted");
    }
  }

  @Test
  void aClientFloodingRequestsBehindOneThatWaitsLosesTheConnection() throws Exception {
    start(10);
    String request = netstring("upper a@b.example");
    int perRead = 4 * LookupConnectionHandler.MAX_QUEUED;
    try (Socket socket = socketmap()) {
      InputStream in = socket.getInputStream();
      // large pipelined writes first, answered in full: the server's reads grow to take them
      for (int round = 0; round < 4; round++) {
        send(socket, request.repeat(perRead));
        for (int i = 0; i < perRead; i++) {
          assertEquals("OK A@B.EXAMPLE", readNetstring(in));
        }
      }
      send(socket, netstring("store wait-1") + request.repeat(perRead));
      IOException closed = assertThrows(IOException.class, () -> readNetstring(in));
      assertFalse(
          closed instanceof java.net.SocketTimeoutException,
          "closed (or reset), not left waiting; nothing answered: " + closed);
    } finally {
      storeAnswers.countDown();
    }
    assertEquals(1, lookups("unknown", "bad_request"));
    assertEquals(4 * perRead, lookups("upper", "found"), "the flood was never looked up");
  }

  @Test
  void tcpTableRequestsAfterOneThatWaitsForTheStoreAreAnsweredAfterIt() throws Exception {
    start(10);
    try (Socket socket = tcpTable(1)) {
      send(socket, "get wait-1\nget x\n");
      storeAnswers.countDown();
      InputStream in = socket.getInputStream();
      assertEquals("200 stored%20wait-1", readLine(in));
      assertEquals("200 stored%20x", readLine(in));
    }
  }

  @Test
  void socketmapOnAUnixSocket() throws Exception {
    start(10);
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(dir.resolve("lookup.sock")));
      channel.write(
          ByteBuffer.wrap(
              netstring("upper bob@example.org").getBytes(StandardCharsets.ISO_8859_1)));
      assertEquals("OK BOB@EXAMPLE.ORG", readNetstring(Channels.newInputStream(channel)));
    }
    // the milter listeners' group and mode: the tables sign addresses, not for every local user
    Path socket = dir.resolve("lookup.sock");
    assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    assertEquals(
        "nogroup", Files.readAttributes(socket, PosixFileAttributes.class).group().getName());
  }

  @Test
  void anUnknownTableIsAPermanentErrorAndTheConnectionStaysUsable() throws Exception {
    start(10);
    try (Socket socket = socketmap()) {
      send(socket, netstring("nosuch key@example.org") + netstring("upper x@y"));
      assertEquals("PERM no such socketmap: nosuch", readNetstring(socket.getInputStream()));
      assertEquals("OK X@Y", readNetstring(socket.getInputStream()));
    }
    assertEquals(
        1, lookups("unknown", "bad_request"), "a made-up table name is no label of its own");
  }

  @Test
  void aTableThatFailsAnswersTryAgainLater() throws Exception {
    start(10);
    try (Socket socket = socketmap()) {
      send(socket, netstring("broken x@y") + netstring("upper x@y"));
      assertEquals("TEMP internal error", readNetstring(socket.getInputStream()));
      assertEquals("OK X@Y", readNetstring(socket.getInputStream()));
    }
    assertEquals(1, lookups("broken", "temp_error"));
  }

  @Test
  void brokenFramingGetsOnePermanentErrorThenTheConnectionCloses() throws Exception {
    start(10);
    for (String garbage : List.of("hello\n", "5:abcdef,", "10001:", "upper x@y")) {
      try (Socket socket = socketmap()) {
        send(socket, garbage.equals("upper x@y") ? netstring(garbage).replace(",", ";") : garbage);
        if (garbage.equals("10001:")) {
          assertTrue(
              readNetstring(socket.getInputStream())
                  .startsWith("PERM netstring longer than 10000"));
        } else if (garbage.equals("upper x@y")) {
          assertEquals(
              "PERM netstring does not end with a comma", readNetstring(socket.getInputStream()));
        } else {
          assertTrue(readNetstring(socket.getInputStream()).startsWith("PERM "), garbage);
        }
        assertEquals(-1, socket.getInputStream().read(), "closed after " + garbage);
      }
    }
    try (Socket socket = socketmap()) {
      send(socket, netstring("no-space-here"));
      assertEquals(
          "PERM socketmap request must be \"name key\"", readNetstring(socket.getInputStream()));
      assertEquals(-1, socket.getInputStream().read());
    }
    assertEquals(5, lookups("unknown", "bad_request"));
  }

  @Test
  void tcpTableServesTheListenersTable() throws Exception {
    start(10);
    try (Socket socket = tcpTable()) {
      send(socket, "get ann%20x@example.org\nget nothing\n");
      assertEquals("200 ANN%20X@EXAMPLE.ORG", readLine(socket.getInputStream()));
      assertTrue(readLine(socket.getInputStream()).startsWith("500 "));
    }
    assertEquals(1, lookups("upper", "found"));
  }

  @Test
  void tcpTableRefusesBadAndOverlongRequestsThenCloses() throws Exception {
    start(10);
    for (String bad : List.of("put x\n", "get 100%\n", "get " + "a".repeat(10_001) + "\n")) {
      try (Socket socket = tcpTable()) {
        send(socket, bad);
        assertTrue(readLine(socket.getInputStream()).startsWith("400 "), bad.substring(0, 6));
        assertEquals(-1, socket.getInputStream().read());
      }
    }
    assertEquals(3, lookups("upper", "bad_request"));
  }

  @Test
  void connectionsOverTheLimitAreClosedAndCounted() throws Exception {
    start(1);
    try (Socket first = socketmap()) {
      send(first, netstring("upper a@b"));
      assertEquals(
          "OK A@B", readNetstring(first.getInputStream()), "the first connection is served");
      try (Socket second = tcpTable()) {
        assertEquals(-1, second.getInputStream().read(), "the second connection is closed at once");
      }
      send(first, netstring("upper c@d"));
      assertEquals("OK C@D", readNetstring(first.getInputStream()));
    }
    assertEquals(1, registry.get("postwarden.lookup.connections.refused").counter().count());
  }

  @Test
  void replacedTablesAnswerFromTheNextRequestOn() throws Exception {
    start(10);
    try (Socket socket = socketmap()) {
      send(socket, netstring("upper a@b"));
      assertEquals("OK A@B", readNetstring(socket.getInputStream()));
      server.replaceTables(Map.of("upper", (key, context) -> new LookupResult.Found("replaced")));
      send(socket, netstring("upper a@b"));
      assertEquals("OK replaced", readNetstring(socket.getInputStream()));
    }
  }
}
