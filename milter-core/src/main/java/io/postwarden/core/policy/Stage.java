package io.postwarden.core.policy;

/**
 * Points of an SMTP conversation a policy can ask to see. Anything no active policy asks for is
 * negotiated away.
 */
public enum Stage {
  CONNECT,
  HELO,
  MAIL,
  RCPT,
  /** Every header of the message, collected into the transaction. */
  HEADERS,
  /** The body; the transaction then counts its size. */
  BODY,
  END_OF_MESSAGE
}
