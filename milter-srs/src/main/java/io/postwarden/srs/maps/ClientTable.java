package io.postwarden.srs.maps;

import io.netty.util.NetUtil;
import io.postwarden.core.lookup.LookupContext;
import io.postwarden.core.lookup.LookupResult;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.policy.ClientAddress;
import io.postwarden.srs.policy.SrsRules;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * {@code srs-client}, for check_client_access in the SRS restriction class, just before {@code
 * srs-verify}: defers a client that guessed too many SRS addresses (ADR 0012), and notes the client
 * on the connection, so that {@code srs-verify} can count an invalid address against it. This works
 * because a Postfix process asks all its socketmap tables over one connection, one question at a
 * time, for one SMTP client at a time.
 */
final class ClientTable implements LookupTable {

  private final SrsRules rules;

  ClientTable(SrsRules rules) {
    this.rules = rules;
  }

  @Override
  public LookupResult lookup(String clientAddress, LookupContext context) {
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(clientAddress);
    if (address == null) {
      context.note(ClientAddress.class, null);
      return LookupResult.NOT_FOUND;
    }
    ClientAddress client =
        new ClientAddress(
            address instanceof Inet6Address
                ? ClientAddress.Family.INET6
                : ClientAddress.Family.INET4,
            address,
            0,
            null);
    context.note(ClientAddress.class, client);
    return rules
        .throttleRule(client, "")
        .<LookupResult>map(reply -> new LookupResult.Found(reply.toString()))
        .orElse(LookupResult.NOT_FOUND);
  }
}
