package io.postwarden.it.harness;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One message as the sink received it: the envelope exactly as Postfix's smtp client sent it and
 * the content bytes after dot-unstuffing (CRLF line ends, the sink adds no Received: header of its
 * own).
 */
public final class ReceivedMessage {

  private final String mailFrom;
  private final List<String> recipients;
  private final byte[] content;
  private final Headers headers;
  private final String clientAddress;

  ReceivedMessage(String mailFrom, List<String> recipients, byte[] content, String clientAddress) {
    this.mailFrom = mailFrom;
    this.recipients = List.copyOf(recipients);
    this.content = content.clone();
    this.headers = Headers.parse(content);
    this.clientAddress = clientAddress;
  }

  /** MAIL FROM address without angle brackets; "" for the null sender. */
  public String mailFrom() {
    return mailFrom;
  }

  /** RCPT TO addresses in the order Postfix sent them. */
  public List<String> recipients() {
    return recipients;
  }

  public byte[] content() {
    return content.clone();
  }

  public String contentAsString() {
    return new String(content, StandardCharsets.UTF_8);
  }

  public Headers headers() {
    return headers;
  }

  public Optional<String> header(String name) {
    return headers.first(name);
  }

  /** The body: everything after the first empty line. */
  public String body() {
    String s = contentAsString();
    int crlf = s.indexOf("\r\n\r\n");
    int lf = s.indexOf("\n\n");
    if (crlf >= 0 && (lf < 0 || crlf < lf)) {
      return s.substring(crlf + 4);
    }
    return lf >= 0 ? s.substring(lf + 2) : "";
  }

  /** Address of the SMTP client that delivered it (Postfix's smtp client). */
  public String clientAddress() {
    return clientAddress;
  }

  /** Whether content equals {@code other} byte for byte. */
  public boolean contentEquals(byte[] other) {
    return Arrays.equals(content, other);
  }

  @Override
  public String toString() {
    return "ReceivedMessage{from=<"
        + mailFrom
        + ">, to="
        + recipients
        + ", "
        + content.length
        + " bytes, headers="
        + headers.names()
        + "}";
  }
}
