package io.postwarden.it.limits;

import io.postwarden.deploy.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs the {@code postwarden} command line in this JVM, as an operator would run the installed one.
 */
final class PostwardenCli {

  record Result(int status, String out, String err) {
    @Override
    public String toString() {
      return "status " + status + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  private PostwardenCli() {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(status, out.toString(), err.toString());
  }
}
