package io.postwarden.audit.forensics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportKeysTest {

  static final String ORIGINAL =
      "Return-Path: <shop@shop.example>\n"
          + "Received: from mail.host.example (mail.host.example [192.0.2.1])\n\tby mx.big.example with ESMTPS id x1\n"
          + "Received: from localhost (localhost [127.0.0.1])\n\tby mail.host.example (Postfix) with ESMTP id 4F2A1B3C9\n"
          + "\tfor <victim@big.example>; Mon, 30 Nov 2026 08:00:00 +0000 (UTC)\n"
          + "X-Postwarden-Audit: id=0123456789ABCDEF; user=www-shop;\n sig=ABCDEFGHJKMNPQRS\n"
          + "Message-ID: <abc@shop.example>\nFrom: Shop <shop@shop.example>\nTo: victim@big.example\n"
          + "Date: Mon, 30 Nov 2026 08:00:00 +0000\nSubject: cheap\n\nbuy now\n";

  static String arf(String originalType, String original) {
    return "From: abuse@big.example\r\nTo: abuse@host.example\r\nMessage-ID: <report1@big.example>\r\n"
        + "Content-Type: multipart/report; report-type=feedback-report;\r\n\tboundary=\"part_1\"\r\n\r\n"
        + "--part_1\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n"
        + "--part_1\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nVersion: 1\r\n"
        + "Original-Mail-From: <shop@shop.example>\r\nOriginal-Rcpt-To: <victim@big.example>\r\n"
        + "Arrival-Date: Mon, 30 Nov 2026 08:00:05 +0000\r\n\r\n"
        + "--part_1\r\nContent-Type: "
        + originalType
        + "\r\n"
        + original
        + "--part_1--\r\n";
  }

  @Test
  void aPastedHeaderBlockGivesOurHeaderQueueIdMessageIdAndEnvelope() {
    ReportKeys keys = ReportKeys.of(MessageParts.of(ORIGINAL));

    assertEquals(
        List.of("id=0123456789ABCDEF; user=www-shop; sig=ABCDEFGHJKMNPQRS"), keys.auditHeaders());
    assertEquals(Set.of("4F2A1B3C9", "<abc@shop.example>", "0123456789ABCDEF"), keys.ids());
    assertTrue(
        keys.envelope()
            .equals(
                "sender shop@shop.example, recipient victim@big.example, around "
                    + Instant.parse("2026-11-30T08:00:00Z")),
        keys.envelope());
  }

  @Test
  void anArfReportYieldsTheWrappedOriginalsKeysNotTheReportsOwn() {
    for (String wrapped :
        List.of(
            arf("message/rfc822", "\r\n" + ORIGINAL.replace("\n", "\r\n")),
            arf(
                "text/rfc822-headers",
                "\r\n" + ORIGINAL.substring(0, ORIGINAL.indexOf("\n\n") + 1)),
            arf(
                "text/rfc822-headers",
                "Content-Transfer-Encoding: base64\r\n\r\n"
                    + Base64.getMimeEncoder()
                        .encodeToString(ORIGINAL.getBytes(StandardCharsets.ISO_8859_1))
                    + "\r\n"))) {
      ReportKeys keys = ReportKeys.of(MessageParts.of(wrapped));

      assertEquals(1, keys.auditHeaders().size(), wrapped);
      assertTrue(
          keys.ids().containsAll(Set.of("4F2A1B3C9", "<abc@shop.example>", "0123456789ABCDEF")),
          wrapped);
      assertTrue(
          keys.envelope().startsWith("sender shop@shop.example, recipient victim@big.example"),
          wrapped);
    }
  }

  @Test
  void nestingBeyondTheBoundStopsQuietly() {
    String message = ORIGINAL;
    for (int i = 0; i < 50; i++) {
      message = "Content-Type: message/rfc822\n\n" + message;
    }
    assertTrue(ReportKeys.of(MessageParts.of(message)).auditHeaders().isEmpty());
  }
}
