package io.postwarden.srs.spf;

import java.net.InetAddress;
import java.util.List;

/** Evaluates a sender's SPF record for client addresses: the boundary behind which DNS is asked. */
public interface SpfEvaluator {

  /**
   * @param sender the envelope sender whose domain's SPF record is checked
   * @param clients the addresses mail would come from
   */
  SpfVerdicts evaluate(String sender, List<InetAddress> clients);
}
