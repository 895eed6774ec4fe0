package io.postwarden.limits.key;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One budget holder, written {@code KIND:NAME} ({@code sasl:alice}, {@code unix:www-shop}, {@code
 * domain:shop.example}, {@code client:192.0.2.7}, {@code client:2001:db8:1:2::/64}) or {@code
 * server}. Names are canonical: lower case, an IPv6 client as its /64, so the same sender cannot
 * spread over several keys by spelling.
 */
public record LimitKey(KeyKind kind, String name) {

  /** The one key of kind {@link KeyKind#SERVER}. */
  public static final LimitKey SERVER = new LimitKey(KeyKind.SERVER, "");

  /** Unix submissions whose user could not be established share this key. */
  public static final String UNKNOWN_USER = "(unknown)";

  public LimitKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if ((kind == KeyKind.SERVER) != name.isEmpty()) {
      throw new IllegalArgumentException("only the server key has no name");
    }
  }

  public static LimitKey sasl(String user) {
    return new LimitKey(KeyKind.SASL, user.toLowerCase(Locale.ROOT));
  }

  public static LimitKey unix(String user) {
    return new LimitKey(KeyKind.UNIX, user);
  }

  public static LimitKey domain(String domain) {
    String name = domain.toLowerCase(Locale.ROOT);
    return new LimitKey(
        KeyKind.DOMAIN, name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
  }

  /** An IPv4 address as it is, an IPv6 address as its /64: one host usually holds a whole /64. */
  public static LimitKey client(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
      Arrays.fill(prefix, 8, 16, (byte) 0);
      return new LimitKey(KeyKind.CLIENT, NetUtil.bytesToIpAddress(prefix) + "/64");
    }
    return new LimitKey(KeyKind.CLIENT, address.getHostAddress());
  }

  /**
   * Reads a key as an operator writes it ({@code sasl:alice}, {@code client:2001:db8::1}, {@code
   * server}); throws with a message naming what is wrong.
   */
  public static LimitKey parse(String text) {
    String trimmed = text.trim();
    if (trimmed.equals("server")) {
      return SERVER;
    }
    int colon = trimmed.indexOf(':');
    KeyKind kind = colon < 0 ? null : KeyKind.ofLabel(trimmed.substring(0, colon)).orElse(null);
    String name = colon < 0 ? "" : trimmed.substring(colon + 1);
    if (kind == null || kind == KeyKind.SERVER || name.isEmpty() || !printable(name)) {
      throw new IllegalArgumentException(
          "expected a key such as sasl:USER, unix:USER, domain:DOMAIN, client:ADDRESS "
              + "or server, got \""
              + trimmed
              + "\"");
    }
    return switch (kind) {
      case SASL -> sasl(name);
      case UNIX -> unix(name);
      case DOMAIN -> domain(name);
      case CLIENT -> client(address(name));
      case SERVER -> SERVER;
    };
  }

  private static InetAddress address(String text) {
    String address = text.endsWith("/64") ? text.substring(0, text.length() - 3) : text;
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "client: expected an IPv4 or IPv6 address, got \"" + text + "\"");
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException impossible) {
      throw new IllegalArgumentException(impossible);
    }
  }

  private static boolean printable(String name) {
    return name.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  @Override
  public String toString() {
    return kind == KeyKind.SERVER ? "server" : kind.label() + ":" + name;
  }
}
