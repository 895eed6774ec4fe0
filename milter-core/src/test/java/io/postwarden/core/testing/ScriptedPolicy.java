package io.postwarden.core.testing;

import io.postwarden.core.policy.Connection;
import io.postwarden.core.policy.Decision;
import io.postwarden.core.policy.Modification;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.policy.Recipient;
import io.postwarden.core.policy.Stage;
import io.postwarden.core.policy.Transaction;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A policy whose answers a test sets stage by stage; stages it is given a script for are the ones
 * it needs.
 */
public final class ScriptedPolicy implements Policy {

  private final String name;
  private final Set<Stage> stages = EnumSet.noneOf(Stage.class);
  private final Set<Modification.Capability> capabilities =
      EnumSet.noneOf(Modification.Capability.class);

  /** Stages at which it may block; null: every stage, Policy's default. */
  private Set<Stage> blocking;

  private Function<Connection, Decision> onConnect = c -> Decision.CONTINUE;
  private Function<Connection, Decision> onHelo = c -> Decision.CONTINUE;
  private Function<Transaction, Decision> onMail = tx -> Decision.CONTINUE;
  private BiFunction<Transaction, Recipient, Decision> onRecipient = (tx, r) -> Decision.CONTINUE;
  private Function<Transaction, Decision> onEndOfMessage = tx -> Decision.CONTINUE;

  public ScriptedPolicy(String name) {
    this.name = name;
  }

  public ScriptedPolicy needs(Stage... more) {
    stages.addAll(Set.of(more));
    return this;
  }

  /** Declares that it may block at these stages only (none: it never blocks). */
  public ScriptedPolicy blocksOnlyAt(Stage... stagesThatBlock) {
    blocking = EnumSet.noneOf(Stage.class);
    blocking.addAll(Set.of(stagesThatBlock));
    return this;
  }

  public ScriptedPolicy may(Modification.Capability... more) {
    capabilities.addAll(Set.of(more));
    return this;
  }

  public ScriptedPolicy onConnect(Function<Connection, Decision> script) {
    stages.add(Stage.CONNECT);
    onConnect = script;
    return this;
  }

  public ScriptedPolicy onHelo(Function<Connection, Decision> script) {
    stages.add(Stage.HELO);
    onHelo = script;
    return this;
  }

  public ScriptedPolicy onMail(Function<Transaction, Decision> script) {
    stages.add(Stage.MAIL);
    onMail = script;
    return this;
  }

  public ScriptedPolicy onRecipient(BiFunction<Transaction, Recipient, Decision> script) {
    stages.add(Stage.RCPT);
    onRecipient = script;
    return this;
  }

  public ScriptedPolicy onEndOfMessage(Function<Transaction, Decision> script) {
    stages.add(Stage.END_OF_MESSAGE);
    onEndOfMessage = script;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Stage> stages() {
    return stages;
  }

  @Override
  public Set<Modification.Capability> capabilities() {
    return capabilities;
  }

  @Override
  public boolean mayBlock(Stage stage, Connection connection) {
    return blocking == null || blocking.contains(stage);
  }

  @Override
  public Decision onConnect(Connection connection) {
    return onConnect.apply(connection);
  }

  @Override
  public Decision onHelo(Connection connection) {
    return onHelo.apply(connection);
  }

  @Override
  public Decision onMail(Transaction tx) {
    return onMail.apply(tx);
  }

  @Override
  public Decision onRecipient(Transaction tx, Recipient recipient) {
    return onRecipient.apply(tx, recipient);
  }

  @Override
  public Decision onEndOfMessage(Transaction tx) {
    return onEndOfMessage.apply(tx);
  }
}
