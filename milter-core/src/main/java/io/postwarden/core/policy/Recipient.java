package io.postwarden.core.policy;

import java.util.List;

/**
 * One envelope recipient.
 *
 * @param address the address without angle brackets (octet string)
 * @param esmtpArgs ESMTP parameters of the RCPT command, e.g. {@code NOTIFY=NEVER}
 */
public record Recipient(String address, List<String> esmtpArgs) {

  public Recipient {
    esmtpArgs = List.copyOf(esmtpArgs);
  }
}
