package io.postwarden.core.postfix;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class PostfixCommandsTest {

  @Test
  void listsSplitOnCommasAndSpaceButKeepBracesWhole() {
    assertEquals(
        List.of("a.example", "hash:/etc/postfix/d", "inline:{ a=b, c=d }", "$myhostname"),
        PostfixCommands.list(
            " a.example,hash:/etc/postfix/d\n\tinline:{ a=b, c=d } ,$myhostname "));
    assertEquals(List.of(), PostfixCommands.list(" , "));
  }
}
