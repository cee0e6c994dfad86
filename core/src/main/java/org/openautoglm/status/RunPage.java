package org.openautoglm.status;

import java.util.List;

/**
 * One page of runs, newest first.
 *
 * @param total how many runs there are in all
 * @param runs the runs on this page
 * @param unreadable ids on this page whose records could not be read (named, not hidden)
 */
public record RunPage(
    int total, int limit, int offset, List<RunRecord> runs, List<String> unreadable) {
  public RunPage {
    runs = List.copyOf(runs);
    unreadable = List.copyOf(unreadable);
  }
}
