/**
 * Postfix's hold queue for the operator commands {@code postwarden held | release | purge}, through
 * Postfix's own tools ({@code postqueue}, {@code postcat}, {@code postsuper}), grouped by the key
 * in our hold header, each action an audit record. Command-line code; the mail path only writes the
 * hold header.
 */
package io.postwarden.limits.hold;
