/**
 * What the HTTP clients of health checks and webhooks share: reading answers with a bound.
 *
 * <p>Depends on nothing else of Open-AutoGLM.
 */
package org.openautoglm.http;
