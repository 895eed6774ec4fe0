package io.postwarden.core.testing;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Header;
import io.postwarden.core.policy.Macros;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.SessionAttributes;
import io.postwarden.core.policy.Transaction;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A transaction built by hand, for unit tests of a policy's decisions. */
public final class TestTransaction implements Transaction, Connection {

  private final Map<String, String> macros = new LinkedHashMap<>();
  private final SessionAttributes attributes = new SessionAttributes();
  private final List<Recipient> recipients = new ArrayList<>();
  private final List<Header> headers = new ArrayList<>();
  private ClientAddress client = ClientAddress.UNKNOWN;
  private MailOrigin origin = MailOrigin.SMTPD;
  private String sender = "";
  private String hostname = "unknown";

  public static TestTransaction from(String sender) {
    TestTransaction tx = new TestTransaction();
    tx.sender = sender;
    tx.macros.put("i", "TESTQID");
    return tx;
  }

  public TestTransaction to(String... addresses) {
    for (String address : addresses) {
      recipients.add(new Recipient(address, List.of()));
    }
    return this;
  }

  public TestTransaction header(String name, String value) {
    headers.add(new Header(name, value));
    return this;
  }

  public TestTransaction authenticatedAs(String user) {
    macros.put("auth_authen", user);
    return this;
  }

  public TestTransaction client(String address, int port) {
    try {
      InetAddress inet = InetAddress.getByName(address);
      client =
          new ClientAddress(
              inet.getAddress().length == 4
                  ? ClientAddress.Family.INET4
                  : ClientAddress.Family.INET6,
              inet,
              port,
              null);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
    return this;
  }

  public TestTransaction origin(MailOrigin newOrigin) {
    origin = newOrigin;
    return this;
  }

  public TestTransaction macro(String name, String value) {
    macros.put(name, value);
    return this;
  }

  @Override
  public Connection connection() {
    return this;
  }

  @Override
  public Optional<String> queueId() {
    return Optional.ofNullable(macros.get("i"));
  }

  @Override
  public Optional<String> authenticatedUser() {
    return Optional.ofNullable(macros.get("auth_authen"));
  }

  @Override
  public String sender() {
    return sender;
  }

  @Override
  public List<String> senderArgs() {
    return List.of();
  }

  @Override
  public List<Recipient> recipients() {
    return List.copyOf(recipients);
  }

  @Override
  public List<Header> headers() {
    return List.copyOf(headers);
  }

  @Override
  public long bodySize() {
    return -1;
  }

  @Override
  public Macros macros() {
    return new Macros() {
      @Override
      public Optional<String> get(String name) {
        return Optional.ofNullable(macros.get(name.replace("{", "").replace("}", "")));
      }

      @Override
      public Map<String, String> asMap() {
        return Map.copyOf(macros);
      }
    };
  }

  @Override
  public String clientHostname() {
    return hostname;
  }

  @Override
  public ClientAddress client() {
    return client;
  }

  @Override
  public String helo() {
    return "test.example";
  }

  @Override
  public MailOrigin origin() {
    return origin;
  }

  @Override
  public MilterLink milterLink() {
    return new MilterLink(null, null);
  }

  @Override
  public SessionAttributes attributes() {
    return attributes;
  }
}
