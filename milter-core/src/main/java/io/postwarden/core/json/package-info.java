/** Reading the JSON lines that Postwarden's audit log and Postfix's {@code postqueue -j} write. */
package io.postwarden.core.json;
