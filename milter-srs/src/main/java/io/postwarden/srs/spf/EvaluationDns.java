package io.postwarden.srs.spf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.IPAddr;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * jSPF's view of DNS for one evaluation: every question goes to one dnsjava resolver, all of them
 * within one deadline, each asked once however many addresses are evaluated. Notes the smallest TTL
 * among the answers (a negative answer's from its SOA) and whether any TXT record has a macro
 * ({@code %{...}}), for the cache. Not thread-safe: one per evaluation, on the thread that
 * evaluates.
 */
final class EvaluationDns implements DNSService {

  /** How long a negative answer without an SOA (some forwarders send none) counts for. */
  private static final Duration NEGATIVE_TTL_WITHOUT_SOA = Duration.ofMinutes(5);

  /** RFC 7208, 4.6.4: at most 10 names of an MX or PTR answer are looked at. */
  private static final int RECORD_LIMIT = 10;

  private final Resolver resolver;
  private final long deadlineNanos;
  private final Map<String, List<String>> answered = new HashMap<>();
  private long ttlSeconds = Long.MAX_VALUE;
  private boolean macros;
  private String failure;

  EvaluationDns(Resolver resolver, Duration budget) {
    this.resolver = resolver;
    this.deadlineNanos = System.nanoTime() + budget.toNanos();
  }

  /** The smallest TTL seen; MAX_VALUE seconds when nothing was asked. */
  Duration ttl() {
    return Duration.ofSeconds(ttlSeconds);
  }

  boolean sawMacros() {
    return macros;
  }

  /** Why a question got no answer (the first such), or null. */
  String failure() {
    return failure;
  }

  @Override
  public List<String> getRecords(DNSRequest request) throws TimeoutException {
    int type =
        switch (request.getRecordType()) {
          case DNSRequest.A -> Type.A;
          case DNSRequest.AAAA -> Type.AAAA;
          case DNSRequest.MX -> Type.MX;
          case DNSRequest.PTR -> Type.PTR;
          case DNSRequest.TXT -> Type.TXT;
          // the SPF RR type (99) is gone since RFC 7208 (3.1): jSPF falls back to TXT when it finds
          // nothing
          default -> -1;
        };
    if (type < 0) {
      return null;
    }
    String key = Type.string(type) + " " + request.getHostname();
    if (answered.containsKey(key)) {
      return answered.get(key);
    }
    List<String> records = ask(request.getHostname(), type);
    answered.put(key, records);
    return records;
  }

  /** The records' texts as jSPF expects them; null for NXDOMAIN or no record of the type. */
  private List<String> ask(String hostname, int type) throws TimeoutException {
    Name name;
    try {
      name = Name.fromString(hostname, Name.root);
    } catch (TextParseException e) {
      return null;
    }
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      throw failed("no time left for " + hostname + " " + Type.string(type));
    }
    Message response;
    CompletableFuture<Message> pending =
        resolver
            .sendAsync(Message.newQuery(Record.newRecord(name, type, DClass.IN)))
            .toCompletableFuture();
    try {
      response = pending.get(remaining, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      pending.cancel(true);
      throw failed("no answer in time for " + hostname + " " + Type.string(type));
    } catch (ExecutionException e) {
      throw failed("no answer for " + hostname + " " + Type.string(type) + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed("interrupted");
    }
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      throw failed(Rcode.string(rcode) + " for " + hostname + " " + Type.string(type));
    }
    List<String> texts = new ArrayList<>();
    for (Record record : response.getSection(Section.ANSWER)) {
      if (record.getType() == type) {
        noteTtl(record.getTTL());
        texts.add(text(record));
      }
    }
    if (texts.isEmpty()) {
      noteNegativeTtl(response);
      return null;
    }
    return texts;
  }

  private String text(Record record) {
    if (record instanceof TXTRecord txt) {
      String joined = String.join("", txt.getStrings());
      macros |= joined.contains("%");
      return joined;
    }
    if (record instanceof ARecord a) {
      return a.getAddress().getHostAddress();
    }
    if (record instanceof AAAARecord aaaa) {
      return aaaa.getAddress().getHostAddress();
    }
    if (record instanceof MXRecord mx) {
      return mx.getTarget().toString();
    }
    return IPAddr.stripDot(((PTRRecord) record).getTarget().toString());
  }

  private void noteNegativeTtl(Message response) {
    for (Record record : response.getSection(Section.AUTHORITY)) {
      if (record instanceof SOARecord soa) {
        noteTtl(Math.min(soa.getTTL(), soa.getMinimum()));
        return;
      }
    }
    noteTtl(NEGATIVE_TTL_WITHOUT_SOA.toSeconds());
  }

  private void noteTtl(long seconds) {
    ttlSeconds = Math.min(ttlSeconds, seconds);
  }

  private TimeoutException failed(String reason) {
    if (failure == null) {
      failure = reason;
    }
    return new TimeoutException(reason);
  }

  @Override
  public java.util.concurrent.CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
    throw new UnsupportedOperationException("evaluated synchronously");
  }

  @Override
  public List<String> getLocalDomainNames() {
    // only for the %{r} macro (the receiving host), which then reads "unknown": no lookup of our
    // own name
    return List.of();
  }

  @Override
  public void setTimeOut(int timeOut) {
    // the evaluation's deadline bounds every question
  }

  @Override
  public int getRecordLimit() {
    return RECORD_LIMIT;
  }

  @Override
  public void setRecordLimit(int recordLimit) {
    throw new UnsupportedOperationException("fixed at " + RECORD_LIMIT);
  }
}
