package org.openautoglm.promotion;

/** Hears what a promotion does, step by step (a console, a build log, a run record). */
@FunctionalInterface
public interface PromotionListener {
  PromotionListener NONE = line -> {};

  void log(String line);

  /**
   * A deploy is about to start: of the promoted version, or of the snapshot a rollback returns to
   * (automatic or asked for). Called after the registry recorded it and before the deployer runs.
   */
  default void deploying(String environment, int version) {}
}
