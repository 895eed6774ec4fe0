/**
 * The milter transport: our own Netty bootstrap for TCP and Unix-socket listeners, bounded framing,
 * deadlines, session limits per listener and per peer, and the handler that drives a {@code
 * MilterSession} (ADRs 0001, 0013). Policy work never runs on the event loop: it goes to {@link
 * io.postwarden.core.server.PolicyWorkers}; each reply is written in one flush with TCP_NODELAY
 * (docs/postfix-milter.md, "The two stalls").
 */
package io.postwarden.core.server;
