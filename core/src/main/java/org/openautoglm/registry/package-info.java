/**
 * The model registry: model versions, deployable snapshots, and each environment's history and
 * approvals, kept as commits in a Git repository (JGit; a local bare repository by default, a
 * remote one optionally).
 *
 * <p>Start at {@link org.openautoglm.registry.Registry}. Storage, all under {@code refs/autoglm/}:
 *
 * <pre>
 * refs/autoglm/versions          state.json {"latest": n}, versions/&lt;n/1000&gt;/&lt;n&gt;.json
 * refs/autoglm/snapshots         snapshots/&lt;hex[0..2]&gt;/&lt;hex&gt;.json   (content-addressed)
 * refs/autoglm/env/&lt;name&gt;        one commit per history entry: entry.json + state.json
 * </pre>
 *
 * <p>Every write makes one commit and moves one ref compare-and-swap (with a remote: pushes it with
 * the expected old id, then moves the local copy). Nothing is ever rewritten, so the commits are
 * the audit trail: author and committer are the person who acted, at the time they acted, and the
 * message is a readable line such as {@code promote v5 (sha256:ab12…) to production by alice: fixes
 * drift; approved by bob}.
 */
package org.openautoglm.registry;
