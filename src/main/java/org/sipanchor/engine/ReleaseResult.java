package org.sipanchor.engine;

/** What became of a call's release ({@link EnginePool#release}) after its first delete. */
public enum ReleaseResult {
    /** The RTPEngine that had the call deleted it. */
    DELETED,
    /** No RTPEngine that answered knew the call (it was gone already, e.g. by RTPEngine's own timeout). */
    NOT_FOUND,
    /**
     * Not confirmed (no answer, not sent, no instance up): the pool keeps the call and deletes it again with backoff
     * until an RTPEngine confirms, see {@link EnginePool#pendingReleases()}.
     */
    PENDING;

    /** Whether an RTPEngine has confirmed that the call is not there any more. */
    public boolean isConfirmed() {
        return this != PENDING;
    }
}
