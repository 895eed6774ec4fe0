package io.postwarden.srs.policy;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PostfixAddressTest {

  @Test
  void readsRecipientsAsPostfixDelivers() {
    // each form was sent to a real Postfix 3.7: the sink received the plain address on the right
    assertEquals(
        "SRS0=x=AB=o.example=ann@srs.example",
        PostfixAddress.normalise("SRS0=x=AB=o.example=ann@srs.example."));
    assertEquals(
        "SRS0=x=AB=o.example=ann@srs.example",
        PostfixAddress.normalise("\"SRS0=x=AB=o.example=ann\"@srs.example"));
    assertEquals(
        "SRS0=x=AB=o.example=ann@srs.example",
        PostfixAddress.normalise("@a.example,@b.example:SRS0=x=AB=o.example=ann@srs.example"));
    assertEquals(
        "SRS0=x=AB=o.example=ann@srs.example",
        PostfixAddress.normalise("SRS0=x=AB=o.example=ann@srs.example (comment (nested) \\) )"));
    assertEquals(
        "SRS0=x=AB=o.example=ann@srs.example",
        PostfixAddress.normalise("SRS0=x=AB=o.example=ann(c)@srs.example"));
    assertEquals(
        "SRS0=ab\"cd@srs.example", PostfixAddress.normalise("\"SRS0=ab\\\"cd\"@srs.example"));
    assertEquals("a b(c)@srs.example", PostfixAddress.normalise("<\"a b(c)\"@srs.example>"));
    assertEquals("Ann@Example.ORG", PostfixAddress.normalise("Ann@Example.ORG"));
    assertEquals("", PostfixAddress.normalise(""));
  }

  @Test
  void theSrsDomainCoversItsSubdomains() {
    assertTrue(PostfixAddress.inDomain("SRS.example.", "srs.example"));
    assertTrue(PostfixAddress.inDomain("mx.srs.example", "srs.example"));
    assertFalse(PostfixAddress.inDomain("notsrs.example", "srs.example"));
    assertFalse(PostfixAddress.inDomain("srs.example.org", "srs.example"));
    assertFalse(PostfixAddress.inDomain("", "srs.example"));
  }
}
