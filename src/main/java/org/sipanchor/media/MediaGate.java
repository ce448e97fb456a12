package org.sipanchor.media;

import org.sipanchor.ng.NgCommand;

/** What RTPEngine can hold back of what one party sends, with the commands that close and open that gate. */
enum MediaGate {
    SILENCE(NgCommand.SILENCE_MEDIA, NgCommand.UNSILENCE_MEDIA),
    MEDIA(NgCommand.BLOCK_MEDIA, NgCommand.UNBLOCK_MEDIA),
    DTMF(NgCommand.BLOCK_DTMF, NgCommand.UNBLOCK_DTMF);

    private final NgCommand close;
    private final NgCommand open;

    MediaGate(NgCommand close, NgCommand open) {
        this.close = close;
        this.open = open;
    }

    NgCommand command(boolean closed) {
        return closed ? close : open;
    }
}
