package org.openautoglm.policy;

/** What a person asks to do; promotion, rollback and approval concern one environment. */
public enum Action {
  READ("read"),
  TRAIN("train"),
  PROMOTE("promote to"),
  ROLLBACK("roll back"),
  APPROVE("approve promotions to");

  private final String verb;

  Action(String verb) {
    this.verb = verb;
  }

  /** Whether the right to do this is granted per environment (by name patterns). */
  public boolean perEnvironment() {
    return this == PROMOTE || this == ROLLBACK || this == APPROVE;
  }

  /** The action in a sentence: {@code "promote to production"}, {@code "train"}. */
  public String phrase(String environment) {
    return perEnvironment() ? verb + " " + environment : verb;
  }

  /** The verb without its object: {@code "promote to"}, {@code "roll back"}. */
  String verb() {
    return verb;
  }
}
