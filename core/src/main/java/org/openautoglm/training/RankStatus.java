package org.openautoglm.training;

/**
 * The state of one rank.
 *
 * @param exitCode the process's exit code once it ended, else {@code null}
 * @param reason why it is pending, failed or was stopped, in words; {@code null} when running or
 *     succeeded
 */
public record RankStatus(int rank, RankState state, Integer exitCode, String reason) {}
