package org.openautoglm.promotion;

/** Hears what a promotion does, step by step (a console, a build log). */
@FunctionalInterface
public interface PromotionListener {
  PromotionListener NONE = line -> {};

  void log(String line);
}
