package io.postwarden.deploy.doctor;

import io.postwarden.core.server.Endpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One configured milter listener answers a real option negotiation, as Postfix's first packet would get. */
final class MilterListenerCheck implements Check {

  private static final String TOPIC = "milter";

  private final String spec;
  private final String key;
  private final String postfixParameter;
  private final Duration timeout;

  /**
   * @param key the Postwarden setting the endpoint comes from (milter, non-smtpd-milter)
   * @param postfixParameter the Postfix parameter that should name it (smtpd_milters, non_smtpd_milters)
   */
  MilterListenerCheck(String spec, String key, String postfixParameter, Duration timeout) {
    this.spec = spec;
    this.key = key;
    this.postfixParameter = postfixParameter;
    this.timeout = timeout;
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
      return List.of(Finding.fail(TOPIC, what + ": port 0 makes Postwarden take any free port, which Postfix "
          + "cannot know. Set a fixed port in " + key));
    }
    try {
      MilterProbe.Negotiated reply = MilterProbe.negotiate(address, timeout);
      return List.of(Finding.ok(TOPIC, what + " answers the milter handshake (protocol version "
          + reply.version() + ")"));
    } catch (ConnectException e) {
      return List.of(Finding.fail(TOPIC, what + ": nothing accepts connections there (" + e.getMessage()
          + "). Is Postwarden running? systemctl status postwarden; journalctl -u postwarden says why it stopped. "
          + "Until it runs, Postfix applies milter_default_action to every message"));
    } catch (SocketTimeoutException e) {
      return List.of(Finding.fail(TOPIC, what + ": no answer within " + timeout.toSeconds() + "s (" + e.getMessage()
          + "). Postwarden may be overloaded (max-sessions, policy-queue) or stuck: check its log and /health"));
    } catch (MilterProbe.NotAMilter e) {
      return List.of(Finding.fail(TOPIC, what + ": " + e.getMessage() + ". Is another program listening there? "
          + (address instanceof InetSocketAddress inet ? "ss -ltnp 'sport = :" + inet.getPort() + "'"
              : "ss -lxp | grep " + spec.substring(5))));
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String hint = address instanceof UnixDomainSocketAddress
          ? ". Check that Postwarden is running and that the socket's directory and mode let Postfix (user postfix) "
              + "connect too"
          : ". Check that Postwarden is running and listens there";
      return List.of(Finding.fail(TOPIC, what + ": " + reason + hint));
    }
  }

  /** Where to connect: the configured address, with a wildcard listener reached through loopback. */
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
