package org.sipanchor.config;

import java.time.Duration;

/**
 * The {@code media.reconcile:} section: how often sipanchor compares the calls each RTPEngine holds with the calls it
 * knows, and how long a call nobody here owns must stay unowned (and, unless it is this process's own, without media)
 * before it is deleted. {@code media.reconcile: off} turns it off.
 *
 * @param enabled  false with {@code media.reconcile: off}
 * @param interval time between two rounds ({@code interval_secs}, default 60 s)
 * @param grace    how long a call must be seen unowned, and idle, before it is deleted ({@code grace_secs}, default
 *                 300 s, and always longer than {@code app.no_answer_timeout_secs}: a call still ringing on another
 *                 node has no media yet and must outlive its own no-answer timeout)
 */
public record ReconcileConfig(boolean enabled, Duration interval, Duration grace) {

    /** Default {@code interval_secs}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    /** Default {@code grace_secs}: five minutes, longer than the default no-answer timeout (180 s) and delete delay (30 s). */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(300);

    /** On, with the defaults. */
    public static final ReconcileConfig DEFAULTS = new ReconcileConfig(true, DEFAULT_INTERVAL, DEFAULT_GRACE);
    /** {@code media.reconcile: off}. */
    public static final ReconcileConfig OFF = new ReconcileConfig(false, DEFAULT_INTERVAL, DEFAULT_GRACE);

    public ReconcileConfig {
        if (interval.isNegative() || interval.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("reconcile interval must be positive and grace not negative: "
                    + interval + ", " + grace);
        }
    }
}
