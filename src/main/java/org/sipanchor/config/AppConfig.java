package org.sipanchor.config;

import java.util.Optional;

/**
 * The {@code app:} section: how the bundled application routes calls.
 *
 * @param mode     proxy or b2bua
 * @param nextHop  where calls go when the registrar knows no contact (a SIP URI), if anywhere
 * @param profile  the media profile the bundled application uses
 * @param registrar the registrar's expiry and memory bounds
 * @param noAnswerTimeoutSecs how long a proxied INVITE may go without a final response before it fails with 408
 * @param settings the application's own settings ({@code app.settings}), also injectable on their own
 * @param auth     who may register and call ({@code app.auth})
 * @param maxBranches at most this many contacts ring for one call (the most recently registered)
 * @param recordRoute the load balancer's address that a proxy node of a farm writes in its Record-Route, if any
 */
public record AppConfig(AppMode mode, Optional<String> nextHop, String profile, RegistrarConfig registrar,
        int noAnswerTimeoutSecs, AppSettings settings, AuthConfig auth, int maxBranches, Optional<RecordRouteAddress> recordRoute) {

    public static final int DEFAULT_MAX_BRANCHES = 8;

    /** A node that record-routes with its own address. */
    public AppConfig(AppMode mode, Optional<String> nextHop, String profile, RegistrarConfig registrar,
            int noAnswerTimeoutSecs, AppSettings settings, AuthConfig auth, int maxBranches) {
        this(mode, nextHop, profile, registrar, noAnswerTimeoutSecs, settings, auth, maxBranches, Optional.empty());
    }
}
