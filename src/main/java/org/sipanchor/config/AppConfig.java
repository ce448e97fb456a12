package org.sipanchor.config;

import java.util.Optional;

/**
 * The {@code app:} section: how the bundled application routes calls.
 *
 * @param mode     proxy or b2bua
 * @param nextHop  where calls go when the registrar knows no contact (a SIP URI), if anywhere
 * @param profile  the media profile the bundled application uses
 */
public record AppConfig(AppMode mode, Optional<String> nextHop, String profile, RegistrarConfig registrar) {
}
