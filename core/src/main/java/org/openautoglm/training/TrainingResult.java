package org.openautoglm.training;

import java.util.List;
import java.util.Map;

/**
 * How a run ended: per-rank outcome, the metric series and the first failure.
 *
 * @param metrics series by name, in the order they were read
 * @param firstFailure the rank that failed first and why, or {@code null}
 */
public record TrainingResult(
    TrainingState state,
    List<RankStatus> ranks,
    Map<String, List<Metric>> metrics,
    RankStatus firstFailure,
    int attempts) {}
