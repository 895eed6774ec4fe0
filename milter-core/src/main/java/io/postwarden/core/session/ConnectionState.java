package io.postwarden.core.session;

import io.postwarden.core.policy.ClientAddress;
import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Macros;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.policy.MilterLink;
import io.postwarden.core.policy.SessionAttributes;

/**
 * The session-long facts, filled in by CONNECT and HELO. Confined to the session's current thread.
 */
final class ConnectionState implements Connection {

  private final MacroStore macros;
  private final MailOrigin origin;
  private final MilterLink link;
  private final SessionAttributes attributes = new SessionAttributes();
  private String hostname = "";
  private ClientAddress client = ClientAddress.UNKNOWN;
  private String helo;

  ConnectionState(MacroStore macros, MailOrigin origin, MilterLink link) {
    this.macros = macros;
    this.origin = origin;
    this.link = link;
  }

  void connected(String hostname, ClientAddress client) {
    this.hostname = hostname;
    this.client = client;
  }

  void helo(String helo) {
    this.helo = helo;
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
    return helo;
  }

  @Override
  public Macros macros() {
    return macros.session();
  }

  @Override
  public MailOrigin origin() {
    return origin;
  }

  @Override
  public MilterLink milterLink() {
    return link;
  }

  @Override
  public SessionAttributes attributes() {
    return attributes;
  }
}
