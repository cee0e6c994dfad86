package org.openautoglm.status;

/** One sample of a metric series: the value a rank reported at a step. */
public record MetricPoint(long step, double value) {}
