package com.example.sbc;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.sipanchor.config.AppSettings;
import org.sipanchor.sdp.SessionDescription;

/** The codecs the core accepts ({@code app.settings.codecs}); telephone-event always stays. */
@ApplicationScoped
public class CodecPolicy {

    private final List<String> codecs;

    @Inject
    public CodecPolicy(AppSettings settings) {
        this.codecs = settings.list("codecs");
    }

    /** A no-argument constructor for the container's proxy of this application-scoped bean. */
    protected CodecPolicy() {
        this.codecs = List.of();
    }

    public SessionDescription apply(SessionDescription sdp) {
        return sdp.filterCodecs(codecs);
    }
}
