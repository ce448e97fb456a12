package org.sipanchor.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Timer;
import java.util.logging.Logger;

import org.apache.catalina.Container;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.core.StandardWrapper;
import org.apache.coyote.http11.Http11Protocol;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.mobicents.servlet.sip.catalina.SipHostConfig;
import org.mobicents.servlet.sip.catalina.SipProtocolHandler;
import org.mobicents.servlet.sip.catalina.SipStandardEngine;
import org.mobicents.servlet.sip.catalina.SipStandardManager;
import org.mobicents.servlet.sip.catalina.SipStandardService;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;
import org.mobicents.servlet.sip.startup.SipContextConfig;
import org.mobicents.servlet.sip.startup.SipStandardContext;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.RecordRouteAddress;
import org.sipanchor.config.SipConfig;
import org.sipanchor.config.SipLimits;
import org.sipanchor.config.SipListen;

import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * Restcomm SIP Servlets 3.2.0-37 on Tomcat 7, assembled in code: one service, one engine, one host, a
 * SIP connector per configured transport and at most one HTTP connector. The steps and the stack
 * properties follow Restcomm's own embedded test server; what differs is said where it differs.
 */
final class EmbeddedSipContainer {

    private static final String ENGINE_NAME = "sipanchor";
    private static final String ROUTER_PROVIDER_PROPERTY = "javax.servlet.sip.ar.spi.SipApplicationRouterProvider";

    private static final Logger LOG = Logger.getLogger(EmbeddedSipContainer.class.getName());

    private final Path workDir;
    private final SipStandardService service = new SipStandardService();
    private StandardHost host;

    EmbeddedSipContainer(Path workDir) {
        this.workDir = workDir;
    }

    /**
     * Creates the service with its connectors and starts it, with no application yet. {@code ownAddress}, when a farm's
     * nodes record-route through their load balancer ({@code app.record_route}), is taken for one of this node's own:
     * a Route naming it is this node's to pop, so the dialogs of any node can be served here.
     */
    void start(SipConfig sip, java.util.Optional<HostPort> http, SipApplicationArchive app,
            java.util.Optional<RecordRouteAddress> ownAddress) throws StartupException {
        List<SipListen> listen = sip.listen();
        System.setProperty("catalina.home", workDir.toString());
        System.setProperty("catalina.base", workDir.toString());
        // Without it the SPI lookup of the application router goes through javax.imageio on JDK 9+ and fails.
        System.setProperty(ROUTER_PROVIDER_PROPERTY, "org.mobicents.servlet.sip.router.DefaultApplicationRouterProvider");
        try {
            Files.createDirectories(workDir.resolve("webapps"));
            Files.createDirectories(workDir.resolve("logs"));
            Path dar = writeApplicationRouterFile(app.appName());

            service.setName(ENGINE_NAME);
            service.setSipApplicationDispatcherClassName(SipApplicationDispatcherImpl.class.getName());
            service.setDarConfigurationFileLocation(dar.toUri().toString());
            service.setSipStackPropertiesFile(writeStackProperties(sip).toUri().toString());
            service.setCongestionControlCheckingInterval(-1);
            // The container would otherwise report usage statistics to a Restcomm host on the internet.
            service.setGatherStatistics(false);
            UsageStatisticsGuard.install();
            service.setUsePrettyEncoding(true);
            // Contacts the container writes as a user agent (the B2BUA's legs) carry a hash of the Call-ID as user
            // part and no display name: nothing of the caller's identity, and a URI every peer can parse.
            service.setMd5ContactUserPart(true);

            SipStandardEngine engine = new SipStandardEngine();
            engine.setName(ENGINE_NAME);
            engine.setBaseDir(workDir.toString());
            engine.setDefaultHost("localhost");
            engine.setService(service);
            engine.setParentClassLoader(Thread.currentThread().getContextClassLoader());
            service.setContainer(engine);

            for (SipListen point : listen) {
                Connector connector = new Connector(SipProtocolHandler.class.getName());
                SipProtocolHandler handler = (SipProtocolHandler) connector.getProtocolHandler();
                handler.setPort(point.address().port());
                handler.setIpAddress(point.address().host());
                handler.setSignalingTransport(point.transport().wireName());
                service.addConnector(connector);
            }
            if (http.isPresent()) {
                service.addConnector(httpConnector(http.get()));
            }

            service.init();
            host = new StandardHost();
            host.setName("localhost");
            host.setAppBase(workDir.resolve("webapps").toString());
            host.addLifecycleListener(new SipHostConfig());
            host.setAutoDeploy(false);
            host.setDeployOnStartup(false);
            // SipStandardEngine hands the host's aliases to the dispatcher, which matches Route headers against them
            ownAddress.ifPresent(address -> host.addAlias(address.hostPort()));
            engine.addChild(host);
            service.start();
            service.getSipApplicationDispatcher().putInService();
            if (service.getSipApplicationDispatcher() instanceof SipApplicationDispatcherImpl dispatcher) {
                BatchingExecutor.install(dispatcher);
            }
        } catch (Exception e) {
            throw new StartupException("the SIP Servlet container did not start: " + rootMessage(e), e);
        }
    }

    /** Deploys the application and fails unless the container reports it available. */
    void deploy(SipApplicationArchive app) throws StartupException {
        SipStandardContext context = new SipStandardContext();
        context.setDocBase(app.location().toString());
        context.setName(app.appName());
        context.setPath("/" + app.appName());
        context.setParent(host);
        SipContextConfig contextConfig = new SipContextConfig();
        // No Tomcat conf/web.xml exists here; without this the context fails looking for it.
        contextConfig.setDefaultWebXml("org/apache/catalina/startup/NO_DEFAULT_XML");
        context.addLifecycleListener(contextConfig);
        context.setManager(new SipStandardManager());
        StandardJarScanner scanner = new StandardJarScanner();
        // The launcher's class path holds the container itself; scanning it is slow and pointless.
        scanner.setScanClassPath(false);
        context.setJarScanner(scanner);
        try {
            host.addChild(context);
        } catch (RuntimeException e) {
            throw new StartupException("application " + app.location() + " did not deploy: " + rootMessage(e), e);
        }
        if (!context.getAvailable()) {
            throw new StartupException("application " + app.location() + " did not deploy (see the errors above)");
        }
        // A servlet whose init() failed (an unknown profile, a missing setting) leaves the application deployed
        // but unable to take calls: that is a failed start, not a ready server.
        // (Tomcat logs a load-on-startup servlet whose init() threw and goes on: it then has no instance.)
        for (Container child : context.findChildren()) {
            if (child instanceof StandardWrapper servlet && servlet.getLoadOnStartup() >= 0
                    && (servlet.isUnavailable() || servlet.getServlet() == null)) {
                throw new StartupException("servlet " + servlet.getName() + " of " + app.appName()
                        + " did not start (see the error above)");
            }
        }
        // Once a second, on the proxy timer's thread: what Restcomm and jain-sip keep of ended calls is let go.
        if (context.getProxyTimerService() instanceof Timer proxyTimer
                && service.getSipApplicationDispatcher().getSipStack() instanceof SIPTransactionStack stack) {
            CancelledTimerPurge.start(proxyTimer);
            EndedCallTransactions.start(proxyTimer, stack);
            EndedDialogs.start(proxyTimer, stack);
        } else {
            LOG.warning("this container's proxy timer or SIP stack is not the one sipanchor was built on:"
                    + " ended calls stay in memory until the stack's own timers let them go (up to 3 min)");
        }
    }

    void stop() {
        try {
            service.stop();
            service.destroy();
        } catch (LifecycleException | RuntimeException e) {
            LOG.warning("container stop: " + rootMessage(e));
        }
    }

    /** Routes every initial request of the usual methods to the one deployed application. */
    private Path writeApplicationRouterFile(String appName) throws IOException {
        StringBuilder dar = new StringBuilder();
        for (String method : List.of("INVITE", "REGISTER", "OPTIONS", "MESSAGE", "SUBSCRIBE", "NOTIFY", "INFO",
                "UPDATE", "PUBLISH", "REFER")) {
            dar.append(method).append(": (\"").append(appName)
                    .append("\", \"DAR:From\", \"ORIGINATING\", \"\", \"NO_ROUTE\", \"0\")\n");
        }
        Path file = workDir.resolve("conf/dar.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, dar);
        return file;
    }

    /**
     * A properties file replaces all of Restcomm's defaults, so all of them are here; the stack's own
     * message log is off because it would write a=crypto keys to disk. Log paths are relative to the
     * work directory (Restcomm prefixes them with it). The file holds the key store password of wss
     * listeners, so only its owner may read it (the work directory is private as well).
     */
    private Path writeStackProperties(SipConfig sip) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", ENGINE_NAME);
        properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        properties.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        properties.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        properties.setProperty("gov.nist.javax.sip.DEBUG_LOG", "logs/jsip-debug.txt");
        properties.setProperty("gov.nist.javax.sip.SERVER_LOG", "logs/jsip-messages.xml");
        properties.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "64");
        properties.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        properties.setProperty("gov.nist.javax.sip.MAX_FORK_TIME_SECONDS", "0");
        properties.setProperty("gov.nist.javax.sip.LOOSE_DIALOG_VALIDATION", "true");
        properties.setProperty("gov.nist.javax.sip.PASS_INVITE_NON_2XX_ACK_TO_LISTENER", "true");
        properties.setProperty("gov.nist.javax.sip.AUTOMATIC_DIALOG_ERROR_HANDLING", "false");
        // A transaction past its final response drops its request and its last response (the latter's bytes are
        // kept for retransmissions either way). "Normal", what AGGRESSIVE_CLEANUP=true selects, also encodes the
        // request to bytes then and parses them again when the transaction ends, to drop the result at once: a full
        // parse of every request once more, on the stack's single timer thread (about 2% of the proxy's CPU).
        properties.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Aggressive");
        // A transaction (and a dialog) stays in the stack's tables this long after it terminated, absorbing late
        // retransmissions, and keeps the container's state of its call alive with it. jain-sip's default is 8 s;
        // Kamailio's tm keeps a completed transaction 5 s (wt_timer), which is also T4, the longest a message is taken
        // to live in the network. The 3 s less of every call's memory cut the proxy's CPU at 900 calls/s by about a
        // sixth (fewer and shorter collections: bench/PROFILE.md).
        properties.setProperty("gov.nist.javax.sip.LINGER_TIMER", "5");
        properties.setProperty("gov.nist.javax.sip.TCP_POST_PARSING_THREAD_POOL_SIZE", "8");
        // The stack shrinks its UDP socket buffers to 8 KiB unless told otherwise: a burst of a few dozen messages
        // then overflows them and the kernel drops SIP messages (measured: failed calls from about 600 calls/s on
        // two cores). 1 MiB is within the usual net.core.rmem_max and holds a burst of over a thousand messages.
        properties.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(1 << 20));
        properties.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", Integer.toString(1 << 20));
        properties.setProperty("org.mobicents.servlet.sip.SERVER_HEADER", "sipanchor");
        // The stack's own parser drops the body of a datagram without Content-Length (RFC 3261 section 18.3 says it
        // runs to the end of the datagram): an INVITE's offer would vanish and the call go on unanchored.
        properties.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", DatagramBodyParserFactory.class.getName());
        limit(properties, sip.limits());
        properties.setProperty(AdmissionValve.MAX_DELAY_PROPERTY, Long.toString(sip.admission().maxQueueDelay().toMillis()));
        properties.setProperty(AdmissionValve.RETRY_AFTER_PROPERTY, Long.toString(sip.admission().retryAfter().toSeconds()));
        // The listeners open before the application is deployed: until it is, the gate answers 503, not 404. Then
        // admission: a refused INVITE costs nothing more. Then the early ACK's wait for its 2xx's timer, a callee's
        // 2xx sent again relayed as it was the first time, and stray responses handed on without the stack's search
        // of every transaction.
        String valves = StartupGate.class.getName() + "," + AdmissionValve.class.getName() + "," + EarlyAckValve.class.getName()
                + "," + RelayedAnswerValve.class.getName() + "," + StrayResponseValve.class.getName();
        if (sip.hasWebSocket()) {
            // Only the NIO message processors speak WebSocket; they also take over TCP, so they are used only here.
            properties.setProperty(AdmittingProcessorFactory.NIO_PROPERTY, "true");
            // A browser's Contact and Via name a host "….invalid": the stack rewrites them to the connection's peer.
            properties.setProperty("gov.nist.javax.sip.PATCH_SIP_WEBSOCKETS_HEADERS", "true");
            // ...but leaves their transport as the browser wrote it (ws, even over wss): this valve corrects it.
            valves += "," + WebSocketContactValve.class.getName();
            properties.setProperty("gov.nist.javax.sip.NETWORK_LAYER", SipNetworkLayer.class.getName());
        } else {
            // The blocking TCP processors would keep a silent connection for ever (the NIO ones close it when idle).
            properties.setProperty("gov.nist.javax.sip.NETWORK_LAYER", IdleClosingNetworkLayer.class.getName());
        }
        properties.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", valves);
        // Each UDP listener refuses new INVITEs before parsing them while its queue is past sip.admission's wait.
        properties.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", AdmittingProcessorFactory.class.getName());
        sip.tls().ifPresent(tls -> {
            // The container logs these properties at INFO ("sip stack properties : {...}"): its log lines mask them.
            ConsoleLogging.registerSecret(tls.keystorePassword());
            tls.truststorePassword().ifPresent(ConsoleLogging::registerSecret);
            properties.setProperty("javax.net.ssl.keyStore", tls.keystore().toString());
            properties.setProperty("javax.net.ssl.keyStorePassword", tls.keystorePassword());
            properties.setProperty("javax.net.ssl.keyStoreType", tls.keystoreType().javaName());
            properties.setProperty("javax.net.ssl.trustStore", tls.truststore().orElse(tls.keystore()).toString());
            properties.setProperty("javax.net.ssl.trustStorePassword", tls.truststorePassword().orElse(tls.keystorePassword()));
            properties.setProperty("javax.net.ssl.trustStoreType", tls.keystoreType().javaName());
            properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", tls.requireClientCertificate() ? "Enabled" : "Disabled");
        });
        Path file = workDir.resolve("conf/sip-stack.properties");
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the work directory's own permissions apply
        }
        try (java.io.Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, "written by sipanchor at start-up");
        }
        return file;
    }

    /**
     * The peer-facing limits of {@code sip.limits}, as the properties jain-sip-ri 1.3.0-32 reads (SipStackImpl). Without
     * them a peer may announce any Content-Length and trickle it for ever, holding a connection and a reader thread,
     * and may open connections without bound.
     */
    static void limit(Properties properties, SipLimits limits) {
        // Every transport's parser counts the message against it: a stream connection that goes beyond is closed,
        // a larger datagram dropped; the WebSocket listeners also close a connection whose frame announces more.
        properties.setProperty(AdmittingProcessorFactory.MAX_MESSAGE_SIZE_PROPERTY, Integer.toString(limits.maxMessageBytes()));
        // Milliseconds from a message's first byte to its last (the blocking stream parser's own timer closes the
        // connection when it runs out; the NIO readers ignore it, and SlowMessageReaper keeps it for them), so
        // trickling a body byte by byte does not keep a connection.
        properties.setProperty(AdmittingProcessorFactory.READ_TIMEOUT_PROPERTY, Long.toString(limits.tcpReadTimeout().toMillis()));
        properties.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(limits.maxTcpConnections()));
        // Read by the NIO processors (those of ws and wss listeners, which then carry TCP as well), and by
        // IdleClosingNetworkLayer for the blocking TCP ones.
        properties.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME", Long.toString(limits.tcpIdleTimeout().toMillis()));
    }

    private static Connector httpConnector(HostPort address) throws IOException {
        Connector connector = new Connector(Http11Protocol.class.getName());
        Http11Protocol protocol = (Http11Protocol) connector.getProtocolHandler();
        protocol.setAddress(InetAddress.getByName(address.host()));
        protocol.setPort(address.port());
        connector.setPort(address.port());
        return connector;
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
