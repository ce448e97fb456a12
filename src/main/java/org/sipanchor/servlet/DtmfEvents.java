package org.sipanchor.servlet;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.MediaConfig;
import org.sipanchor.media.DtmfEvent;
import org.sipanchor.media.DtmfEventReceiver;

/**
 * Receives the DTMF events RTPEngine reports to {@code media.dtmf_events.listen} and hands them to the application,
 * which delivers each in its call's application session ({@code onDtmf} of the servlet that handles the call, and
 * CDI observers of {@link DtmfEvent}). Before any sipanchor servlet has started, observers get the events directly.
 * Does nothing when that key is absent.
 */
@Singleton
public class DtmfEvents {

    private static final Logger LOG = Logger.getLogger(DtmfEvents.class.getName());

    private final Optional<DtmfEventReceiver> receiver;
    private volatile Consumer<DtmfEvent> destination;

    @Inject
    public DtmfEvents(MediaConfig media, Event<DtmfEvent> observers) {
        this.destination = observers::fire;
        this.receiver = media.dtmfEvents().map(address -> DtmfEventReceiver.start(address,
                DtmfEventReceiver.sourcesOf(media.rtpengine()), event -> destination.accept(event)));
        receiver.ifPresent(r -> LOG.info(() -> "DTMF events from RTPEngine on udp " + r.address()));
    }

    /** From now on, events go to {@code application} (which delivers them in their calls) instead of straight to observers. */
    void deliverTo(Consumer<DtmfEvent> application) {
        this.destination = application;
    }

    @PreDestroy
    void stop() {
        receiver.ifPresent(DtmfEventReceiver::close);
    }
}
