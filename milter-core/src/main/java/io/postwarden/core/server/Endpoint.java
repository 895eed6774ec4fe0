package io.postwarden.core.server;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;

/**
 * A listening address in Postfix's milter notation: {@code inet:127.0.0.1:10030}, {@code
 * inet:[::1]:10030}, {@code inet:localhost:10030} or {@code unix:/run/postwarden/milter.sock}. Host
 * names other than localhost are refused: the listener binds literal addresses only, so start-up
 * never waits on DNS.
 */
public record Endpoint(String spec, SocketAddress address) {

  public static Endpoint parse(String spec) {
    if (spec.startsWith("unix:")) {
      String path = spec.substring(5);
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("unix socket path must be absolute: " + spec);
      }
      return new Endpoint(
          spec, new io.netty.channel.unix.DomainSocketAddress(Path.of(path).toString()));
    }
    if (!spec.startsWith("inet:")) {
      throw new IllegalArgumentException(
          "expected inet:HOST:PORT or unix:/PATH, got \"" + spec + "\"");
    }
    String rest = spec.substring(5);
    int colon = rest.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("missing port in \"" + spec + "\"");
    }
    String host = rest.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = port(rest.substring(colon + 1), spec);
    InetAddress address =
        host.equals("localhost")
            ? InetAddress.getLoopbackAddress()
            : NetUtil.createInetAddressFromIpAddressString(host);
    if (address == null) {
      throw new IllegalArgumentException(
          "host must be an IP address or localhost: \"" + spec + "\"");
    }
    return new Endpoint(spec, new InetSocketAddress(address, port));
  }

  public boolean isUnix() {
    return spec.startsWith("unix:");
  }

  private static int port(String text, String spec) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("invalid port in \"" + spec + "\"");
  }

  @Override
  public String toString() {
    return spec;
  }
}
