package io.postwarden.audit.tag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.postwarden.core.policy.Header;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Modification.ChangeHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

class OurHeadersTest {

  static Header h(String name) {
    return new Header(name, " value");
  }

  static ChangeHeader delete(String name, int occurrence) {
    return ChangeHeader.delete(name, occurrence);
  }

  @Test
  void noHeadersNoDeletions() {
    assertEquals(List.of(), OurHeaders.removals(List.of()));
  }

  @Test
  void otherHeadersAreLeftAlone() {
    List<Header> headers =
        List.of(
            h("Received"),
            h("From"),
            h("Subject"),
            h("X-Postwarden"),
            h("X-Postwardens-Audit"),
            h("X-Postwarden"),
            h("Postwarden-Audit"),
            h("X-Other-X-Postwarden-Audit"),
            h("X-"));

    assertEquals(List.of(), OurHeaders.removals(headers));
  }

  @Test
  void deletesASingleForgedHeader() {
    List<Modification> removals =
        OurHeaders.removals(List.of(h("Received"), h("X-Postwarden-Audit"), h("Subject")));

    assertEquals(List.of(delete("X-Postwarden-Audit", 1)), removals);
    assertEquals("", ((ChangeHeader) removals.get(0)).value(), "an empty value deletes");
  }

  @Test
  void matchesOurPrefixInAnyCase() {
    List<Modification> removals =
        OurHeaders.removals(
            List.of(
                h("x-postwarden-audit"),
                h("Subject"),
                h("X-POSTWARDEN-SRS"),
                h("x-PoStWaRdEn-Whatever")));

    assertEquals(
        List.of(
            delete("x-postwarden-audit", 1),
            delete("X-POSTWARDEN-SRS", 1),
            delete("x-PoStWaRdEn-Whatever", 1)),
        removals);
  }

  @Test
  void repeatedHeaderIsDeletedFromItsLastOccurrenceToItsFirst() {
    List<Header> headers =
        List.of(
            h("X-Postwarden-Audit"),
            h("Received"),
            h("X-Postwarden-Audit"),
            h("Subject"),
            h("X-Postwarden-Audit"));

    assertEquals(
        List.of(
            delete("X-Postwarden-Audit", 3),
            delete("X-Postwarden-Audit", 2),
            delete("X-Postwarden-Audit", 1)),
        OurHeaders.removals(headers));
  }

  @Test
  void occurrencesAreCountedPerNameCaseInsensitively() {
    List<Header> headers =
        List.of(
            h("X-Postwarden-Audit"), // audit #1
            h("X-Postwarden-Other"), // other #1
            h("x-postwarden-audit"), // audit #2
            h("Subject"),
            h("X-POSTWARDEN-OTHER"), // other #2
            h("X-Postwarden-AUDIT")); // audit #3

    assertEquals(
        List.of(
            delete("X-Postwarden-AUDIT", 3),
            delete("x-postwarden-audit", 2),
            delete("X-Postwarden-Audit", 1),
            delete("X-POSTWARDEN-OTHER", 2),
            delete("X-Postwarden-Other", 1)),
        OurHeaders.removals(headers));
  }

  @Test
  void otherHeadersDoNotShiftTheOccurrenceNumbers() {
    List<Header> headers =
        List.of(
            h("Received"),
            h("Received"),
            h("X-Postwarden-Audit"),
            h("Received"),
            h("X-Postwarden-Audit"));

    assertEquals(
        List.of(delete("X-Postwarden-Audit", 2), delete("X-Postwarden-Audit", 1)),
        OurHeaders.removals(headers));
  }

  @Test
  void deletionsOnlyNeedHeaderChanges() {
    OurHeaders.removals(List.of(h("X-Postwarden-Audit"), h("X-Postwarden-Audit")))
        .forEach(m -> assertEquals(Modification.Capability.CHANGE_HEADERS, m.capability()));
  }

  @Test
  void ourAuditHeaderNameCarriesThePrefix() {
    assertEquals("X-Postwarden-Audit", AuditHeader.NAME);
    assertEquals(
        List.of(delete(AuditHeader.NAME, 1)), OurHeaders.removals(List.of(h(AuditHeader.NAME))));
  }
}
