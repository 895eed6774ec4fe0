package io.postwarden.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private redis-server for tests, never the system's: a free loopback port, {@code --bind
 * 127.0.0.1}, no persistence ({@code --save ""}, no append-only file) and its directory and log in
 * a temporary directory. A child of the test JVM, killed when the JVM exits. {@link #kill} plays a
 * crash, {@link #start} brings it back on the same port.
 */
public final class RedisServer implements AutoCloseable {

  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final Path dir;
  private final String password;
  private final int port;
  private Process process;

  private RedisServer(String password) {
    this.password = password;
    try {
      this.dir = Files.createTempDirectory("postwarden-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.port = freePort();
    Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "redis-server-stop"));
  }

  /** A started server; {@code password} empty for none. */
  public static RedisServer start(String password) {
    RedisServer server = new RedisServer(password);
    server.start();
    return server;
  }

  public int port() {
    return port;
  }

  /** The redis-server process, e.g. to read its CPU time. */
  public synchronized ProcessHandle process() {
    return process.toHandle();
  }

  /** The URI Postwarden is given: without the password, which goes in a file. */
  public String uri() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  /** Starts it (again) on its port and waits until it answers. */
  public synchronized RedisServer start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString(),
                "--daemonize",
                "no",
                "--protected-mode",
                "yes"));
    if (!password.isEmpty()) {
      command.addAll(List.of("--requirepass", password));
    }
    try {
      process =
          RealClock.process(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .redirectInput(new File("/dev/null"))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start redis-server (scripts/install-deps --test installs it)", e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (!answers()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "redis-server did not start on port " + port + ": " + log());
      }
      sleep(20);
    }
    return this;
  }

  /** SIGKILL, as a crash or a pulled cable would: clients see their connection reset. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory left behind
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"))
          + Files.readString(dir.resolve("stdout.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Something accepts connections on the port and our process is alive. */
  private boolean answers() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Below Linux's ephemeral range, so no outgoing connection takes it between our check and Redis's
   * bind.
   */
  private static int freePort() {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20000, 32768);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free loopback port");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
