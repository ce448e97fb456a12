/**
 * Several RTPEngine instances as one: {@link org.sipanchor.engine.EnginePool} spreads new calls by weight over the
 * instances that are up, fails offers over to the next instance, keeps every later command of a call on the
 * instance that holds it, cleans up calls a failed instance may have kept, and exports its state as Prometheus
 * metrics. Built on {@link org.sipanchor.ng} (one client per instance) and {@link org.sipanchor.config}; knows no
 * SIP types.
 */
package org.sipanchor.engine;
