package io.postwarden.limits.hold;

import java.time.Instant;
import java.util.Optional;

/**
 * One message in Postfix's hold queue.
 *
 * @param heldBy the key our hold header names; empty for mail held by someone else (an operator,
 *     another milter)
 */
public record HeldMessage(
    String queueId, Instant arrival, String sender, int recipients, Optional<String> heldBy) {}
