package org.sipanchor.servlet;

import java.util.List;

import org.sipanchor.media.MediaProfiles;
import org.sipanchor.media.RtpEngineService;
import org.sipanchor.media.SdpService;

/** sipanchor's own CDI beans, registered by {@link SipAnchorCdi} in every application that uses it. */
final class SipAnchorBeans {

    static final List<Class<?>> CLASSES = List.of(SipTrace.class, EngineBeans.class, MetricsServer.class, DtmfEvents.class,
            MediaProfiles.class, RtpEngineService.class, SdpService.class);

    private SipAnchorBeans() {
    }
}
