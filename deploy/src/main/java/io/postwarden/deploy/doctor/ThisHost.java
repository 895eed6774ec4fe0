package io.postwarden.deploy.doctor;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * This server as other mail servers see it: its addresses (given with --address, or those of its
 * network interfaces minus loopback and link-local ones) and Postfix's myhostname.
 */
record ThisHost(Set<InetAddress> addresses, boolean given, Optional<String> myhostname) {

  static ThisHost of(List<InetAddress> given, Optional<String> myhostname) {
    if (!given.isEmpty()) {
      return new ThisHost(new LinkedHashSet<>(given), true, myhostname);
    }
    return new ThisHost(interfaceAddresses(), false, myhostname);
  }

  static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> addresses = new LinkedHashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (!address.isLoopbackAddress()
              && !address.isLinkLocalAddress()
              && !address.isAnyLocalAddress()) {
            addresses.add(InetAddress.getByAddress(address.getAddress()));
          }
        }
      }
    } catch (SocketException | java.net.UnknownHostException e) {
      // no interfaces readable: nothing matches, and the findings say which addresses were compared
    }
    return addresses;
  }

  boolean isMe(InetAddress address) {
    return addresses.contains(address);
  }

  boolean isMyHostname(String name) {
    String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return myhostname
        .map(h -> h.toLowerCase(Locale.ROOT).equals(bare.toLowerCase(Locale.ROOT)))
        .orElse(false);
  }

  /** For messages: "addresses 192.0.2.1, 2001:db8::1 (from the network interfaces)". */
  String describe() {
    String list =
        addresses.isEmpty()
            ? "none"
            : String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
    return "addresses "
        + list
        + (given
            ? " (from --address)"
            : " (from the network interfaces; behind NAT, give " + "the public one with --address)")
        + myhostname.map(h -> ", myhostname " + h).orElse("");
  }
}
