package io.postwarden.limits.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Function;

/**
 * A Unix socket on which {@code postwarden limits status|reset} reach the running daemon's
 * counters. Only whoever may open the socket can ask: it is created mode 0600 in a directory the
 * daemon creates 0700 (systemd's StateDirectory is 0700 too), so another local user cannot reset
 * their own counts. One request line per connection, answered on one thread: operator commands are
 * rare and fast.
 */
public final class ControlSocket implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("postwarden.limits");
  private static final int MAX_REQUEST = 1024;

  private final Path path;
  private final ServerSocketChannel server;
  private final Thread acceptor;

  private ControlSocket(
      Path path, ServerSocketChannel server, Function<String, List<String>> handler) {
    this.path = path;
    this.server = server;
    this.acceptor = new Thread(() -> serve(handler), "limits-control");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Binds {@code path} (replacing a stale socket a crashed daemon left) and starts answering. */
  public static ControlSocket open(Path path, Function<String, List<String>> handler)
      throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(path);
    }
    // bound under a temporary name and renamed once private: nobody can connect while it is still
    // open to all
    Path temporary = dir.resolve("." + path.getFileName() + "." + ProcessHandle.current().pid());
    Files.deleteIfExists(temporary);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(temporary));
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      Files.move(temporary, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(temporary);
      throw e;
    }
    return new ControlSocket(path, server, handler);
  }

  /** Sends one request to the daemon at {@code path}; its answer's lines. */
  public static List<String> ask(Path path, String request) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      OutputStream out = Channels.newOutputStream(channel);
      out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
      return in.lines().toList();
    }
  }

  private void serve(Function<String, List<String>> handler) {
    while (server.isOpen()) {
      try (SocketChannel client = server.accept()) {
        String request = readLine(client);
        OutputStream out = Channels.newOutputStream(client);
        out.write(
            (String.join("\n", handler.apply(request)) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException | RuntimeException e) {
        if (server.isOpen()) {
          LOG.log(Level.WARNING, "limits control request failed: " + e.getMessage());
        }
      }
    }
  }

  /** One line of at most MAX_REQUEST bytes: a client cannot make the daemon buffer more. */
  private static String readLine(SocketChannel client) throws IOException {
    java.io.InputStream in = Channels.newInputStream(client);
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (line.length() >= MAX_REQUEST) {
        throw new IOException("request longer than " + MAX_REQUEST + " bytes");
      }
      line.append((char) c);
    }
    return line.toString();
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "closing the limits control socket: " + e.getMessage());
    }
  }
}
