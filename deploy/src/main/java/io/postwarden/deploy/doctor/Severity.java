package io.postwarden.deploy.doctor;

/**
 * How a finding reads: fine, worth fixing, broken (doctor exits 1), or deliberately not checked.
 */
public enum Severity {
  OK,
  WARN,
  FAIL,
  SKIP
}
