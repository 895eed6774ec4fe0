package io.postwarden.it.srs;

import io.postwarden.deploy.Modules;
import io.postwarden.it.RunningPostwarden;
import io.postwarden.it.harness.MailStack;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Postwarden does SRS itself; cleanup's added From: is built before CHGFROM, the repair adds the
 * missing one.
 */
class FromRepairWithPostwardenSrsTest extends FromRepairScenarios {

  @RegisterExtension
  @Order(2)
  static final RunningPostwarden postwarden =
      new RunningPostwarden(
          () ->
              "srs-domain = srs.test.example\n"
                  + "domains = { test.example }\n"
                  + "postfix-config-dir = \""
                  + FromRepairWithPostwardenSrsTest.stack.postfix().configDir()
                  + "\"\n",
          Modules::policies);

  @RegisterExtension
  @Order(1)
  static final MailStack stack =
      MailStack.builder()
          .milter(postwarden::smtpdEndpoint)
          .nonSmtpdMilter(postwarden::nonSmtpdEndpoint)
          .remoteHosts()
          .build();

  @Override
  MailStack stack() {
    return stack;
  }
}
