package org.sipanchor.config;

import java.util.Optional;

/**
 * The {@code app:} section: how the bundled application routes calls.
 *
 * @param mode     proxy or b2bua
 * @param nextHop  where calls go when the registrar knows no contact (a SIP URI), if anywhere
 * @param profile  the media profile the bundled application uses
 * @param noAnswerTimeoutSecs how long a proxied INVITE may go without a final response before it fails with 408
 * @param settings the application's own settings ({@code app.settings}), also injectable on their own
 */
public record AppConfig(AppMode mode, Optional<String> nextHop, String profile, RegistrarConfig registrar,
        int noAnswerTimeoutSecs, AppSettings settings) {
}
