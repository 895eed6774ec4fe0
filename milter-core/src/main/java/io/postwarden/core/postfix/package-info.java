/**
 * Postfix's own tools asked about its configuration ({@code postconf}) and maps ({@code postmap
 * -q}): shared by the policies that follow Postfix's routing and by {@code postwarden doctor}.
 * Starts processes: never on the event loop.
 */
package io.postwarden.core.postfix;
