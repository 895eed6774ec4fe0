package io.postwarden.srs.spf;

import java.net.UnknownHostException;
import java.time.Duration;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/** dnsjava resolvers as the configuration and doctor's --dns-server name them. */
public final class DnsResolvers {

  private DnsResolvers() {}

  /** The system's resolvers (/etc/resolv.conf), one retry. */
  public static Resolver system(Duration timeout) {
    ExtendedResolver resolver = new ExtendedResolver();
    resolver.setTimeout(timeout);
    resolver.setRetries(1);
    return resolver;
  }

  /**
   * One server: {@code HOST}, {@code HOST:PORT}, {@code [V6]:PORT} or a bare IPv6 address; port 53
   * by default.
   */
  public static Resolver server(String hostAndPort, Duration timeout) throws UnknownHostException {
    String host = hostAndPort;
    int port = 53;
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf(']');
      if (close < 0) {
        throw new UnknownHostException("missing ] in " + hostAndPort);
      }
      host = hostAndPort.substring(1, close);
      if (hostAndPort.length() > close + 1) {
        port = port(hostAndPort.substring(close + 1).replaceFirst("^:", ""), hostAndPort);
      }
    } else if (hostAndPort.indexOf(':') >= 0
        && hostAndPort.indexOf(':') == hostAndPort.lastIndexOf(':')) {
      host = hostAndPort.substring(0, hostAndPort.indexOf(':'));
      port = port(hostAndPort.substring(hostAndPort.indexOf(':') + 1), hostAndPort);
    }
    SimpleResolver resolver = new SimpleResolver(host);
    resolver.setPort(port);
    resolver.setTimeout(timeout);
    return resolver;
  }

  private static int port(String text, String whole) throws UnknownHostException {
    try {
      int port = Integer.parseInt(text);
      if (port > 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new UnknownHostException("invalid port in " + whole);
  }
}
