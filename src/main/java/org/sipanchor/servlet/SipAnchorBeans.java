package org.sipanchor.servlet;

import java.util.List;

/** sipanchor's own CDI beans, registered by {@link SipAnchorCdi} in every application that uses it. */
final class SipAnchorBeans {

    static final List<Class<?>> CLASSES = List.of(SipTrace.class);

    private SipAnchorBeans() {
    }
}
