package org.sipanchor.servlet;

import java.util.Optional;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.MediaConfig;
import org.sipanchor.media.DtmfEvent;
import org.sipanchor.media.DtmfEventReceiver;

/**
 * Turns the DTMF events RTPEngine reports to {@code media.dtmf_events.listen} into CDI events that any bean can
 * observe ({@code void onDigit(@Observes DtmfEvent event)}); does nothing when that key is absent.
 */
@Singleton
public class DtmfEvents {

    private static final Logger LOG = Logger.getLogger(DtmfEvents.class.getName());

    private final Optional<DtmfEventReceiver> receiver;

    @Inject
    public DtmfEvents(MediaConfig media, Event<DtmfEvent> observers) {
        this.receiver = media.dtmfEvents().map(address -> DtmfEventReceiver.start(address, DtmfEventReceiver.sourcesOf(media.rtpengine()), observers::fire));
        receiver.ifPresent(r -> LOG.info(() -> "DTMF events from RTPEngine on udp " + r.address()));
    }

    @PreDestroy
    void stop() {
        receiver.ifPresent(DtmfEventReceiver::close);
    }
}
