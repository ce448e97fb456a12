package org.sipanchor.ng;

/**
 * The threads of the ng package (socket readers, TCP writer, timer). Replies are completed on them by default, so
 * they must never wait for a reply themselves: {@link NgClient#execute} refuses to run on one.
 */
final class NgIoThread extends Thread {

    NgIoThread(Runnable task, String name) {
        super(task, name);
        setDaemon(true);
        // not the creating application's class loader: the shared timer outlives any one application, and holding
        // its loader would keep an undeployed application in memory (Tomcat warns of exactly that)
        setContextClassLoader(NgIoThread.class.getClassLoader());
    }
}
