package org.sipanchor.app;

import org.junit.jupiter.api.DisplayName;
import org.sipanchor.config.RegistrarConfig;

@DisplayName("The location service in memory (RFC 3261 section 10.3)")
class LocationServiceTest extends LocationServiceContract {

    @Override
    LocationService locations(RegistrarConfig limits, MutableClock clock) {
        return new LocationService(limits, clock);
    }
}
