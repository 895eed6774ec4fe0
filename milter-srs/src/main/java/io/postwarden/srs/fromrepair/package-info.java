/**
 * From: repair: no message leaves with an SRS address in From:. Addresses our secrets verify are
 * replaced by the address they encode, the rest of the header kept byte for byte; a missing From:
 * is supplied (ADR 0011). Uses the codec alone: never the long-sender store.
 */
package io.postwarden.srs.fromrepair;
