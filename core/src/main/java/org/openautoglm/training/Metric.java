package org.openautoglm.training;

/**
 * One metric sample reported by a training process.
 *
 * @param time milliseconds since the epoch when the line was read
 */
public record Metric(String name, long step, double value, int rank, long time) {}
