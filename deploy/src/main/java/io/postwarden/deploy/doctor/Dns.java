package io.postwarden.deploy.doctor;

import io.postwarden.srs.spf.DnsResolvers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Plain DNS questions (no cache, no search list) to one resolver, each with a short timeout. */
final class Dns {

  /** What a question got. */
  sealed interface Answer {}

  /** Records of the type asked for (CNAMEs already followed by the resolver). */
  record Found(List<Record> records) implements Answer {}

  /** The name does not exist (NXDOMAIN), or has no record of that type. */
  record Missing(boolean nameExists) implements Answer {}

  /** No usable answer: timeout, SERVFAIL, REFUSED, a name that cannot be a domain. */
  record Failed(String reason) implements Answer {}

  /** Addresses of a host name (A and AAAA), with the reason when neither lookup answered. */
  record Addresses(List<InetAddress> addresses, String failure) {

    boolean failed() {
      return failure != null;
    }

    @Override
    public String toString() {
      if (failed()) {
        return "(lookup failed: " + failure + ")";
      }
      return addresses.isEmpty()
          ? "(no address)"
          : String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
    }
  }

  private final Resolver resolver;
  private final String description;

  Dns(Resolver resolver, String description) {
    this.resolver = resolver;
    this.description = description;
  }

  /** The system's resolvers (/etc/resolv.conf). */
  static Dns system(Duration timeout) {
    return new Dns(DnsResolvers.system(timeout), "the system's resolver");
  }

  /** One server, {@code HOST}, {@code HOST:PORT}, {@code [V6]:PORT} or a bare IPv6 address. */
  static Dns server(String hostAndPort, Duration timeout) throws UnknownHostException {
    return new Dns(DnsResolvers.server(hostAndPort, timeout), "DNS server " + hostAndPort);
  }

  /** The resolver, for the SPF library (which asks its own questions). */
  Resolver resolver() {
    return resolver;
  }

  Answer query(String name, int type) {
    Name absolute;
    try {
      absolute = Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      return new Failed("\"" + name + "\" is not a domain name");
    }
    Message response;
    try {
      response = resolver.send(Message.newQuery(Record.newRecord(absolute, type, DClass.IN)));
    } catch (IOException e) {
      return new Failed(
          "no answer from "
              + description
              + " for "
              + name
              + " "
              + Type.string(type)
              + " ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + ")");
    }
    int rcode = response.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return new Missing(false);
    }
    if (rcode != Rcode.NOERROR) {
      return new Failed(
          description
              + " answered "
              + Rcode.string(rcode)
              + " for "
              + name
              + " "
              + Type.string(type));
    }
    List<Record> records = new ArrayList<>();
    for (Record record : response.getSection(Section.ANSWER)) {
      if (record.getType() == type) {
        records.add(record);
      }
    }
    return records.isEmpty() ? new Missing(true) : new Found(records);
  }

  Addresses addresses(String host) {
    List<InetAddress> addresses = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int type : new int[] {Type.A, Type.AAAA}) {
      Answer answer = query(host, type);
      if (answer instanceof Found found) {
        for (Record record : found.records()) {
          addresses.add(
              record instanceof ARecord a ? a.getAddress() : ((AAAARecord) record).getAddress());
        }
      } else if (answer instanceof Failed failed) {
        failures.add(failed.reason());
      }
    }
    return new Addresses(addresses, failures.size() == 2 ? failures.get(0) : null);
  }

  @Override
  public String toString() {
    return description;
  }
}
