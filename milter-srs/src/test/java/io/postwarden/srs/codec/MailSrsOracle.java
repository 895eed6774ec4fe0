package io.postwarden.srs.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Mail::SRS 0.31 behind src/test/vectors/mail-srs-oracle.pl, the same script the vector generator
 * uses.
 */
final class MailSrsOracle implements AutoCloseable {

  static final Path SCRIPT =
      Path.of(System.getProperty("basedir", "."), "src", "test", "vectors", "mail-srs-oracle.pl");

  private final FrozenClockProcess process;
  private final BufferedReader answers;
  private final OutputStream requests;

  private MailSrsOracle(FrozenClockProcess process) {
    this.process = process;
    this.answers =
        new BufferedReader(
            new InputStreamReader(process.process().getInputStream(), StandardCharsets.US_ASCII));
    this.requests = process.process().getOutputStream();
  }

  static MailSrsOracle start(Instant frozenAt, String srsDomain) throws IOException {
    if (!Files.isRegularFile(SCRIPT)) {
      throw new IOException(
          "missing " + SCRIPT.toAbsolutePath() + ": run the tests from the module folder");
    }
    return new MailSrsOracle(
        FrozenClockProcess.start(frozenAt, List.of("perl", SCRIPT.toString(), srsDomain)));
  }

  ReferenceAnswer forward(List<String> secrets, SrsConfig config, String sender)
      throws IOException {
    return ask("forward", secrets, config, sender);
  }

  ReferenceAnswer reverse(List<String> secrets, SrsConfig config, String address)
      throws IOException {
    return ask("reverse", secrets, config, address);
  }

  private ReferenceAnswer ask(String op, List<String> secrets, SrsConfig config, String address)
      throws IOException {
    String request =
        String.join(
            "\t",
            op,
            secrets.stream().map(PercentEncoding::encode).collect(Collectors.joining(",")),
            String.valueOf(config.separator().symbol()),
            String.valueOf(config.hashLength()),
            String.valueOf(config.hashMinimum()),
            PercentEncoding.encode(address));
    requests.write((request + "\n").getBytes(StandardCharsets.US_ASCII));
    requests.flush();
    String answer = answers.readLine();
    if (answer == null) {
      throw new IOException("mail-srs-oracle.pl stopped; is libmail-srs-perl installed?");
    }
    String[] fields = answer.split("\t", 2);
    boolean ok = fields[0].equals("ok");
    return new ReferenceAnswer(ok, ok ? PercentEncoding.decode(fields[1]) : fields[1]);
  }

  @Override
  public void close() throws IOException {
    requests.close();
    process.close();
  }
}
