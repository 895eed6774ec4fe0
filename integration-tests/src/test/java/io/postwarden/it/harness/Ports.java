package io.postwarden.it.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback TCP ports at runtime.
 *
 * <p>Ports are drawn at random from 20000–32767, below Linux's ephemeral range (32768–60999), so
 * that outgoing connections (Postfix's smtp client, the test client) never collide with a port we
 * hand to a server. A port is returned only if it can be bound on every requested address right now
 * and was not handed out before in this JVM. Some fixed ports on the build machines are taken by
 * other processes; that is why nothing is hard-coded.
 */
public final class Ports {

  public static final InetAddress V4 = address("127.0.0.1");
  public static final InetAddress V6 = address("::1");

  private static final int LOW = 20000;
  private static final int HIGH = 32767;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private Ports() {}

  /** A port free on 127.0.0.1. Nothing listens there, so it also serves as a "closed port". */
  public static int freePort() {
    return freePort(V4);
  }

  /**
   * A port number that is free on all given addresses (e.g. 127.0.0.1 and ::1 for a dual-stack
   * listener).
   */
  public static int freePort(InetAddress... addresses) {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH + 1);
      if (HANDED_OUT.contains(port) || !bindable(port, addresses)) {
        continue;
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port found in " + LOW + "-" + HIGH);
  }

  /** Whether ::1 can be bound at all (IPv6 may be disabled in some containers). */
  public static boolean ipv6Available() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(V6, 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean bindable(int port, InetAddress... addresses) {
    List<ServerSocket> open = new ArrayList<>();
    try {
      for (InetAddress a : addresses) {
        ServerSocket s = new ServerSocket();
        open.add(s);
        s.bind(new InetSocketAddress(a, port), 1);
      }
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      for (ServerSocket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
