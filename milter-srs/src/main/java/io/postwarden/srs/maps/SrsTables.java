package io.postwarden.srs.maps;

import io.postwarden.core.lookup.LookupTable;
import io.postwarden.srs.policy.SrsRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SRS lookup tables Postfix asks over socketmap or tcp_table, by name. {@code forward} and
 * {@code reverse} are PostSRSd's (sender_canonical_maps, recipient_canonical_maps); the {@code
 * srs-*} tables are access(5) maps that refuse at RCPT what the milter would refuse
 * (docs/decisions/0017).
 */
public final class SrsTables {

  public static final String FORWARD = "forward";
  public static final String REVERSE = "reverse";
  public static final String NULL_SENDER = "srs-null-sender";
  public static final String CLIENT = "srs-client";
  public static final String VERIFY = "srs-verify";
  public static final List<String> NAMES = List.of(FORWARD, REVERSE, NULL_SENDER, CLIENT, VERIFY);

  private SrsTables() {}

  /** Every SRS table, answering by {@code rules}. */
  public static Map<String, LookupTable> of(SrsRules rules) {
    Map<String, LookupTable> tables = new LinkedHashMap<>();
    tables.put(FORWARD, new ForwardTable(rules));
    tables.put(REVERSE, new ReverseTable(rules));
    tables.put(NULL_SENDER, new NullSenderTable(rules));
    tables.put(CLIENT, new ClientTable(rules));
    tables.put(VERIFY, new VerifyTable(rules));
    return tables;
  }
}
