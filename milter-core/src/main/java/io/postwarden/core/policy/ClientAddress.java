package io.postwarden.core.policy;

import java.net.InetAddress;

/**
 * Where the SMTP client is, as Postfix reports it at CONNECT.
 *
 * @param family how Postfix reached the client
 * @param address the IP address for TCP families, else null
 * @param port the client's TCP port, 0 when unknown
 * @param path the socket path for {@link Family#UNIX}, else null
 */
public record ClientAddress(Family family, InetAddress address, int port, String path) {

  public enum Family {
    INET4,
    INET6,
    UNIX,
    UNKNOWN
  }

  public static final ClientAddress UNKNOWN = new ClientAddress(Family.UNKNOWN, null, 0, null);

  public boolean isTcp() {
    return family == Family.INET4 || family == Family.INET6;
  }

  @Override
  public String toString() {
    return switch (family) {
      case INET4 -> address.getHostAddress() + ":" + port;
      case INET6 -> "[" + address.getHostAddress() + "]:" + port;
      case UNIX -> "unix:" + path;
      case UNKNOWN -> "unknown";
    };
  }
}
