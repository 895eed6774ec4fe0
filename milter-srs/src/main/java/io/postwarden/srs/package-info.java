/**
 * The SRS module: builds the SRS policy, the From: repair and the SRS lookup tables from the
 * configuration, and checks what start-up would refuse in its settings.
 */
package io.postwarden.srs;
