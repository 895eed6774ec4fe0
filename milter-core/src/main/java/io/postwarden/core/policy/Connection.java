package io.postwarden.core.policy;

/**
 * What is known about the SMTP session for its whole lifetime (one milter connection may carry
 * several).
 */
public interface Connection {

  /** The client host name as Postfix resolved it, {@code [ip]} when unresolved. */
  String clientHostname();

  ClientAddress client();

  /** The HELO/EHLO argument, null before HELO. */
  String helo();

  /**
   * Connection-stage macros ({@code j}, {@code {daemon_name}}, {@code {daemon_addr}}, {@code
   * {client_addr}}, …).
   */
  Macros macros();

  /** The Postfix path this session serves (which listener Postfix used). */
  MailOrigin origin();

  /** Both ends of the milter connection this session arrived on. */
  MilterLink milterLink();

  /** Per-session facts left by policies. */
  SessionAttributes attributes();
}
