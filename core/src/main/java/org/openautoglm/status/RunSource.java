package org.openautoglm.status;

import java.util.Optional;

/**
 * Where the dashboard and the REST API read runs from: the CLI's {@link RunStore}, or Jenkins'
 * builds in the plugin. Implementations page without loading every run.
 */
public interface RunSource {
  /** Most runs one page may hold. */
  int MAX_PAGE = 200;

  /** The runs from {@code offset}, newest first, at most {@code limit} of them. */
  RunPage page(int limit, int offset);

  /** One run. */
  Optional<RunRecord> find(String id);
}
