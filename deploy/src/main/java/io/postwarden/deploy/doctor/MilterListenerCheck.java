package io.postwarden.deploy.doctor;

import io.postwarden.core.server.Endpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One configured milter listener answers a real option negotiation, as Postfix's first packet would
 * get, and only Postfix can reach it: an inet: listener is open to every local user, a unix: socket
 * to whom its file lets in.
 */
final class MilterListenerCheck implements Check {

  private static final String TOPIC = "milter";

  private final String spec;
  private final String key;
  private final String postfixParameter;
  private final Duration timeout;
  private final String socketGroup;

  /**
   * @param key the Postwarden setting the endpoint comes from (milter, non-smtpd-milter)
   * @param postfixParameter the Postfix parameter that should name it (smtpd_milters,
   *     non_smtpd_milters)
   */
  /**
   * @param socketGroup the group Postfix connects as (milter-socket-group); empty: not checked
   */
  MilterListenerCheck(
      String spec, String key, String postfixParameter, Duration timeout, String socketGroup) {
    this.spec = spec;
    this.key = key;
    this.postfixParameter = postfixParameter;
    this.timeout = timeout;
    this.socketGroup = socketGroup;
  }

  @Override
  public List<Finding> run() {
    String what = spec + " (" + key + ", for Postfix's " + postfixParameter + ")";
    SocketAddress address;
    try {
      address = address(spec);
    } catch (IllegalArgumentException e) {
      return List.of(Finding.fail(TOPIC, what + ": " + e.getMessage()));
    }
    if (address instanceof InetSocketAddress inet && inet.getPort() == 0) {
      return List.of(
          Finding.fail(
              TOPIC,
              what
                  + ": port 0 makes Postwarden take any free port, which Postfix "
                  + "cannot know. Set a fixed port in "
                  + key));
    }
    try {
      MilterProbe.Negotiated reply = MilterProbe.negotiate(address, timeout);
      List<Finding> findings =
          new ArrayList<>(
              List.of(
                  Finding.ok(
                      TOPIC,
                      what
                          + " answers the milter handshake "
                          + "(protocol version "
                          + reply.version()
                          + ")")));
      findings.addAll(
          address instanceof UnixDomainSocketAddress unix
              ? access(what, unix.getPath())
              : List.of(
                  Finding.warn(
                      TOPIC,
                      what
                          + ": every local user can connect to an inet: listener and hold "
                          + "sessions Postfix needs (max-sessions-per-peer and the deadlines only limit that). On a shared host "
                          + "use a unix socket only Postfix can reach: "
                          + key
                          + " = { \"unix:/var/spool/postfix/postwarden/"
                          + (key.equals("milter") ? "milter" : "non-smtpd")
                          + ".sock\" } (README, Install on a mail server)")));
      return findings;
    } catch (ConnectException e) {
      return List.of(
          Finding.fail(
              TOPIC,
              what
                  + ": nothing accepts connections there ("
                  + e.getMessage()
                  + "). Is Postwarden running? systemctl status postwarden; journalctl -u postwarden says why it stopped. "
                  + "Until it runs, Postfix applies milter_default_action to every message"));
    } catch (SocketTimeoutException e) {
      return List.of(
          Finding.fail(
              TOPIC,
              what
                  + ": no answer within "
                  + timeout.toSeconds()
                  + "s ("
                  + e.getMessage()
                  + "). Postwarden may be overloaded (max-sessions, policy-queue) or stuck: check its log and /health"));
    } catch (MilterProbe.NotAMilter e) {
      return List.of(
          Finding.fail(
              TOPIC,
              what
                  + ": "
                  + e.getMessage()
                  + ". Is another program listening there? "
                  + (address instanceof InetSocketAddress inet
                      ? "ss -ltnp 'sport = :" + inet.getPort() + "'"
                      : "ss -lxp | grep " + spec.substring(5))));
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String hint =
          address instanceof UnixDomainSocketAddress
              ? ". Check that Postwarden is running and that the socket's directory and mode let Postfix (user postfix) "
                  + "connect too"
              : ". Check that Postwarden is running and listens there";
      return List.of(Finding.fail(TOPIC, what + ": " + reason + hint));
    }
  }

  /** Who the socket file lets connect (write permission): Postfix's group, and nobody else. */
  private List<Finding> access(String what, Path socket) throws IOException {
    PosixFileAttributes file = Files.readAttributes(socket, PosixFileAttributes.class);
    Set<PosixFilePermission> mode = file.permissions();
    String shown =
        file.owner().getName()
            + ":"
            + file.group().getName()
            + " "
            + PosixFilePermissions.toString(mode);
    if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      return List.of(
          Finding.warn(
              TOPIC,
              what
                  + ": every local user can connect ("
                  + shown
                  + ") and hold sessions "
                  + "Postfix needs. Set milter-socket-mode = \"0660\" and restart Postwarden"));
    }
    if (!socketGroup.isEmpty()
        && (!file.group().getName().equals(socketGroup)
            || !mode.contains(PosixFilePermission.GROUP_WRITE))) {
      return List.of(
          Finding.fail(
              TOPIC,
              what
                  + ": Postfix (group "
                  + socketGroup
                  + ") cannot connect: the socket is "
                  + shown
                  + ". Its directory must be setgid "
                  + socketGroup
                  + " (install -d -o postwarden -g "
                  + socketGroup
                  + " -m 2750 "
                  + socket.getParent()
                  + ") and milter-socket-mode give the group rw; then restart Postwarden"));
    }
    return List.of(
        Finding.ok(TOPIC, what + ": only its owner and group can connect (" + shown + ")"));
  }

  /**
   * Where to connect: the configured address, with a wildcard listener reached through loopback.
   */
  static SocketAddress address(String spec) {
    if (spec.startsWith("unix:")) {
      return UnixDomainSocketAddress.of(Path.of(spec.substring(5)));
    }
    InetSocketAddress address = (InetSocketAddress) Endpoint.parse(spec).address();
    if (address.getAddress().isAnyLocalAddress()) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), address.getPort());
    }
    return address;
  }
}
