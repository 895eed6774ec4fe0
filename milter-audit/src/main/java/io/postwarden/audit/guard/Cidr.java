package io.postwarden.audit.guard;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code [fd00::]/8}; a bare address is a /32 or
 * /128.
 */
public record Cidr(InetAddress network, int prefixLength) {

  public static Cidr parse(String text) {
    String spec = text.trim();
    int slash = spec.indexOf('/');
    String host = slash < 0 ? spec : spec.substring(0, slash);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
    if (address == null) {
      throw new IllegalArgumentException("not an address or network: \"" + text + "\"");
    }
    // a v4-mapped network (::ffff:10.0.0.0/104) parses to IPv4, as clients' addresses do: its
    // prefix counts
    // the 96 mapping bits, which an IPv4 prefix does not
    boolean mapped = host.indexOf(':') >= 0 && address instanceof Inet4Address;
    int written = mapped ? 128 : address.getAddress().length * 8;
    int prefix = written;
    if (slash >= 0) {
      String digits = spec.substring(slash + 1);
      prefix = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
      if (prefix < (mapped ? 96 : 0) || prefix > written) {
        throw new IllegalArgumentException(
            "prefix length must be "
                + (mapped ? "96" : "0")
                + " to "
                + written
                + ": \""
                + text
                + "\"");
      }
    }
    return new Cidr(address, mapped ? prefix - 96 : prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    byte[] base = network.getAddress();
    if (candidate.length != base.length
        || (address instanceof Inet4Address) != (network instanceof Inet4Address)) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != base[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[full] & mask) == (base[full] & mask);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }
}
