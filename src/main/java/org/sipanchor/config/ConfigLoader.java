package org.sipanchor.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Maps the YAML file onto the configuration records, section by section. Each reader asks for the keys it
 * knows and then rejects the rest, so the accepted schema is exactly what this class reads.
 */
final class ConfigLoader {

    static final HostPort DEFAULT_SIP_ADDRESS = new HostPort("127.0.0.1", 5060);
    static final HostPort DEFAULT_RTPENGINE = new HostPort("127.0.0.1", 22222);

    private final Map<String, String> environment;
    private Path baseDir = Path.of("").toAbsolutePath();

    ConfigLoader(Map<String, String> environment) {
        this.environment = environment;
    }

    SipAnchorConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(new ConfigLocation(file.toString(), 0, ""), "no such file");
        } catch (IOException e) {
            throw new ConfigException(new ConfigLocation(file.toString(), 0, ""), "cannot be read: " + e.getMessage(), e);
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null) {
            baseDir = folder;
        }
        return parse(text, file.toString());
    }

    SipAnchorConfig parse(String yaml, String source) {
        ConfigLocation root = new ConfigLocation(source, 0, "");
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(10);
        Node document;
        try {
            document = new Yaml(options).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(root.withLine(line), "not valid YAML: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new ConfigException(root, "not valid YAML: " + e.getMessage(), e);
        }
        YamlMapping top = YamlMapping.of(document, root, new Placeholders(environment));
        SipConfig sip = sip(top.mappingOrEmpty("sip"));
        MediaConfig media = media(top.mappingOrEmpty("media"), sip);
        AppConfig app = app(top.mappingOrEmpty("app"), media);
        checkGraceOutlastsRinging(top, media, app);
        MetricsConfig metrics = new MetricsConfig(listenOnly(top.mappingOrEmpty("metrics")));
        HttpConfig http = new HttpConfig(listenOnly(top.mappingOrEmpty("http")));
        LogConfig log = log(top.mappingOrEmpty("log"));
        top.rejectUnknownKeys();
        return new SipAnchorConfig(sip, app, media, metrics, http, log, source);
    }

    private SipConfig sip(YamlMapping section) {
        List<SipListen> listen = section.list("listen", (node, at) -> {
            YamlMapping entry = section.childMapping(node, at);
            SipTransport transport = entry.choice("transport", SipTransport.class)
                    .orElseThrow(() -> new ConfigException(entry.location(), "transport is required (udp, tcp, ws or wss)"));
            HostPort address = entry.parsed("address", HostPort::parse)
                    .orElseThrow(() -> new ConfigException(entry.location(), "address is required (host:port)"));
            entry.rejectUnknownKeys();
            return new SipListen(transport, address);
        }).orElse(List.of(new SipListen(SipTransport.UDP, DEFAULT_SIP_ADDRESS), new SipListen(SipTransport.TCP, DEFAULT_SIP_ADDRESS)));
        if (listen.isEmpty()) {
            throw new ConfigException(section.locationOf("listen"), "needs at least one listening point");
        }
        Set<String> seen = new HashSet<>();
        Set<HostPort> streams = new HashSet<>();
        for (int i = 0; i < listen.size(); i++) {
            SipListen point = listen.get(i);
            ConfigLocation at = section.locationOf("listen").element(i, section.locationOf("listen").line());
            if (!seen.add(point.toString())) {
                throw new ConfigException(at, "listens twice on " + point);
            }
            // tcp, ws and wss each bind a TCP socket of their own
            if (point.transport().isStream() && !streams.add(point.address())) {
                throw new ConfigException(at, point + " shares its TCP port with another stream listener (tcp, ws and wss need a port each)");
            }
        }
        Optional<SipTlsConfig> tls = section.mapping("tls").map(this::tls);
        for (int i = 0; i < listen.size(); i++) {
            if (listen.get(i).transport() == SipTransport.WSS && tls.isEmpty()) {
                throw new ConfigException(section.locationOf("listen").element(i, section.locationOf("listen").line()),
                        "a wss listener needs sip.tls with a keystore (the server's key and certificate)");
            }
        }
        SipLimits limits = sipLimits(section.mappingOrEmpty("limits"));
        SipAdmission admission = sipAdmission(section.mappingOrEmpty("admission"));
        section.rejectUnknownKeys();
        return new SipConfig(listen, tls, limits, admission);
    }

    private static SipLimits sipLimits(YamlMapping section) {
        SipLimits defaults = SipLimits.DEFAULTS;
        int maxMessage = positive(section, "max_message_bytes", defaults.maxMessageBytes(), SipLimits.MAX_MESSAGE_BYTES);
        if (maxMessage < SipLimits.MIN_MESSAGE_BYTES) {
            throw new ConfigException(section.locationOf("max_message_bytes"),
                    "must be at least " + SipLimits.MIN_MESSAGE_BYTES + " (got " + maxMessage + ")");
        }
        Duration readTimeout = Duration.ofSeconds(positive(section, "tcp_read_timeout_secs",
                (int) defaults.tcpReadTimeout().toSeconds(), SipLimits.MAX_TCP_READ_TIMEOUT.toSeconds()));
        int maxConnections = positive(section, "max_tcp_connections", defaults.maxTcpConnections(), 65_535);
        Duration idle = Duration.ofSeconds(positive(section, "tcp_idle_timeout_secs", (int) defaults.tcpIdleTimeout().toSeconds(), 86_400));
        section.rejectUnknownKeys();
        return new SipLimits(maxMessage, readTimeout, maxConnections, idle);
    }

    private static SipAdmission sipAdmission(YamlMapping section) {
        SipAdmission defaults = SipAdmission.DEFAULTS;
        int delay = positive(section, "max_queue_delay_ms", (int) defaults.maxQueueDelay().toMillis(), 10_000);
        if (delay < 10) {
            throw new ConfigException(section.locationOf("max_queue_delay_ms"), "must be at least 10 (got " + delay + ")");
        }
        Duration retryAfter = Duration.ofSeconds(positive(section, "retry_after_secs", (int) defaults.retryAfter().toSeconds(), 3600));
        section.rejectUnknownKeys();
        return new SipAdmission(Duration.ofMillis(delay), retryAfter);
    }

    /** The key material of wss listeners, checked by opening it: a wrong password stops start-up at its line. */
    private SipTlsConfig tls(YamlMapping section) {
        Path keystore = section.string("keystore").map(this::resolve)
                .orElseThrow(() -> new ConfigException(section.location(), "keystore is required (a .p12 or .jks file)"));
        String password = section.string("keystore_password")
                .orElseThrow(() -> new ConfigException(section.location(), "keystore_password is required"));
        KeystoreType type = section.choice("keystore_type", KeystoreType.class)
                .orElse(keystore.toString().toLowerCase().endsWith(".jks") ? KeystoreType.JKS : KeystoreType.PKCS12);
        Optional<Path> truststore = section.string("truststore").map(this::resolve);
        Optional<String> truststorePassword = section.string("truststore_password");
        boolean requireClientCertificate = section.bool("require_client_certificate").orElse(false);
        section.rejectUnknownKeys();
        KeyStore keys = open(keystore, password, type, section.locationOf("keystore"), section.locationOf("keystore_password"));
        try {
            boolean hasKey = false;
            for (String alias : java.util.Collections.list(keys.aliases())) {
                hasKey |= keys.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new ConfigException(section.locationOf("keystore"), keystore + " holds no private key (the server's key and certificate)");
            }
        } catch (KeyStoreException e) {
            throw new ConfigException(section.locationOf("keystore"), "cannot be read: " + e.getMessage(), e);
        }
        if (truststore.isPresent()) {
            open(truststore.get(), truststorePassword.orElse(password), type, section.locationOf("truststore"),
                    section.locationOf(truststorePassword.isPresent() ? "truststore_password" : "keystore_password"));
        }
        return new SipTlsConfig(keystore, password, type, truststore, truststorePassword, requireClientCertificate);
    }

    private static KeyStore open(Path file, String password, KeystoreType type, ConfigLocation fileAt, ConfigLocation passwordAt) {
        if (!Files.isReadable(file)) {
            throw new ConfigException(fileAt, "no such file " + file);
        }
        try (var in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(type.javaName());
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException e) {
            // a wrong password surfaces here, with a cryptographic failure as its cause
            if (e.getCause() instanceof GeneralSecurityException) {
                throw new ConfigException(passwordAt, "does not open " + file + " (wrong password)", e);
            }
            throw new ConfigException(fileAt, "is not a " + type.name().toLowerCase() + " key store: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(fileAt, "does not open " + file + " as " + type.name().toLowerCase() + ": " + e.getMessage(), e);
        }
    }

    /** A file named in the configuration: relative names are relative to the configuration file's folder. */
    private Path resolve(String name) {
        Path path = Path.of(name.trim());
        return path.isAbsolute() ? path : baseDir.resolve(path).normalize();
    }

    private AppConfig app(YamlMapping section, MediaConfig media) {
        AppMode mode = section.choice("mode", AppMode.class).orElse(AppMode.PROXY);
        Optional<String> nextHop = section.string("next_hop").map(String::trim);
        nextHop.ifPresent(uri -> {
            if (!uri.matches("(?i)sips?:[^\\s]+")) {
                throw new ConfigException(section.locationOf("next_hop"), "must be a SIP URI such as sip:127.0.0.1:5090, not \"" + uri + "\"");
            }
        });
        String profile = section.string("profile", "rtp_passthrough").trim();
        if (!ProfileConfig.BUILT_IN_NAMES.contains(profile) && !media.profiles().containsKey(profile)) {
            List<String> known = new ArrayList<>(ProfileConfig.BUILT_IN_NAMES);
            known.addAll(media.profiles().keySet());
            known.sort(null);
            throw new ConfigException(section.locationOf("profile"),
                    "unknown profile \"" + profile + "\" (known: " + String.join(", ", known) + ")");
        }
        RegistrarConfig registrar = registrar(section.mappingOrEmpty("registrar"));
        int noAnswerTimeout = positive(section, "no_answer_timeout_secs", 180);
        AppSettings settings = section.plain("settings").map(value -> {
            if (!(value instanceof Map<?, ?> map)) {
                throw new ConfigException(section.locationOf("settings"), "must be a mapping of the application's own settings");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) map;
            return new AppSettings(values);
        }).orElse(AppSettings.EMPTY);
        AuthConfig auth = auth(section);
        int maxBranches = positive(section, "max_branches", AppConfig.DEFAULT_MAX_BRANCHES);
        Optional<RecordRouteAddress> recordRoute = section.string("record_route").map(text -> {
            try {
                return RecordRouteAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(section.locationOf("record_route"), e.getMessage());
            }
        });
        if (recordRoute.isPresent() && mode == AppMode.B2BUA) {
            throw new ConfigException(section.locationOf("record_route"),
                    "only app.mode: proxy record-routes; a B2BUA's calls live on the node that made them");
        }
        section.rejectUnknownKeys();
        return new AppConfig(mode, nextHop, profile, registrar, noAnswerTimeout, settings, auth, maxBranches, recordRoute);
    }

    private RegistrarConfig registrar(YamlMapping section) {
        RegistrarConfig defaults = RegistrarConfig.DEFAULTS;
        int min = positive(section, "min_expires", defaults.minExpires());
        int max = positive(section, "max_expires", defaults.maxExpires());
        int fallback = positive(section, "default_expires", Math.min(defaults.defaultExpires(), max));
        if (min > max) {
            throw new ConfigException(section.locationOf("min_expires"), "must not exceed max_expires (" + min + " > " + max + ")");
        }
        if (fallback < min || fallback > max) {
            throw new ConfigException(section.locationOf("default_expires"), "must lie between min_expires and max_expires");
        }
        int maxContacts = positive(section, "max_contacts_per_user", defaults.maxContactsPerUser());
        int maxBindings = positive(section, "max_bindings", defaults.maxBindings());
        Duration storeTimeout = Duration.ofMillis(positive(section, "store_timeout_ms",
                (int) RegistrarStoreConfig.DEFAULT_TIMEOUT.toMillis(), RegistrarStoreConfig.MAX_TIMEOUT.toMillis()));
        Optional<RegistrarStoreConfig> store = section.string("store").map(String::trim)
                .filter(text -> !text.equalsIgnoreCase("memory"))
                .map(text -> {
                    try {
                        return RegistrarStoreConfig.parse(text, storeTimeout);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(section.locationOf("store"), "must be memory or a redis:// URI: " + e.getMessage());
                    }
                });
        section.rejectUnknownKeys();
        return new RegistrarConfig(min, max, fallback, maxContacts, maxBindings, store);
    }

    /**
     * {@code app.auth}: {@code off}, or a mapping; absent is on with its defaults (no users, loopback trusted), so
     * that turning it off is always a visible line in the file.
     */
    private static AuthConfig auth(YamlMapping app) {
        if (app.isScalar("auth")) {
            if (app.bool("auth").orElse(true)) {
                throw new ConfigException(app.locationOf("auth"), "must be off or a mapping (realm, users, trusted)");
            }
            return AuthConfig.OFF;
        }
        if (!app.has("auth")) {
            app.mapping("auth"); // marks it read
            return AuthConfig.DEFAULTS;
        }
        YamlMapping section = app.mappingOrEmpty("auth");
        String realm = section.string("realm", AuthConfig.DEFAULT_REALM).trim();
        if (realm.isEmpty() || realm.chars().anyMatch(c -> c < ' ' || c == '"' || c == '\\' || c == 127)) {
            throw new ConfigException(section.locationOf("realm"), "must be visible characters without quotes or backslashes");
        }
        Map<String, UserSecret> users = new LinkedHashMap<>();
        section.mapping("users").ifPresent(named -> {
            for (String name : named.keys()) {
                if (!name.matches("[A-Za-z0-9._~!$&'()*+,;=%-]+")) {
                    throw new ConfigException(named.locationOf(name), "is not a SIP user name");
                }
                YamlMapping entry = named.mapping(name)
                        .orElseThrow(() -> new ConfigException(named.locationOf(name), "needs password, or ha1 and/or ha1_sha256"));
                users.put(name, secret(entry));
            }
            named.rejectUnknownKeys();
        });
        List<IpRange> trusted = section.list("trusted", (node, at) -> {
            String text = section.scalar(node, at);
            try {
                return IpRange.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at, e.getMessage());
            }
        }).orElse(AuthConfig.DEFAULT_TRUSTED);
        Duration nonceLifetime = Duration.ofSeconds(positive(section, "nonce_lifetime_secs",
                (int) AuthConfig.DEFAULT_NONCE_LIFETIME.toSeconds(), 3600));
        List<String> algorithms = section.list("algorithms", (node, at) -> {
            String name = section.scalar(node, at).trim();
            return AuthConfig.ALGORITHMS.stream().filter(known -> known.equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new ConfigException(at, "must be one of " + String.join(", ", AuthConfig.ALGORITHMS) + ", not \"" + name + "\""));
        }).orElse(AuthConfig.ALGORITHMS);
        if (algorithms.isEmpty() || algorithms.size() != Set.copyOf(algorithms).size()) {
            throw new ConfigException(section.locationOf("algorithms"), "must name SHA-256 and/or MD5, each once");
        }
        section.rejectUnknownKeys();
        return new AuthConfig(true, realm, users, trusted, nonceLifetime, algorithms);
    }

    private static UserSecret secret(YamlMapping entry) {
        Optional<String> password = entry.string("password");
        Optional<String> ha1 = entry.string("ha1").map(value -> hex(entry, "ha1", value, 32));
        Optional<String> ha1Sha256 = entry.string("ha1_sha256").map(value -> hex(entry, "ha1_sha256", value, 64));
        entry.rejectUnknownKeys();
        if (password.isPresent() && (ha1.isPresent() || ha1Sha256.isPresent())) {
            throw new ConfigException(entry.locationOf("password"), "give password, or ha1/ha1_sha256, not both");
        }
        if (password.isEmpty() && ha1.isEmpty() && ha1Sha256.isEmpty()) {
            throw new ConfigException(entry.location(), "needs password, or ha1 and/or ha1_sha256");
        }
        if (password.isPresent() && password.get().isEmpty()) {
            throw new ConfigException(entry.locationOf("password"), "must not be empty");
        }
        return new UserSecret(password, ha1, ha1Sha256);
    }

    /** A digest in lower-case hex; the value itself is never quoted back, it is a secret. */
    private static String hex(YamlMapping entry, String key, String value, int length) {
        String trimmed = value.trim().toLowerCase();
        if (!trimmed.matches("[0-9a-f]{" + length + "}")) {
            throw new ConfigException(entry.locationOf(key), "must be " + length + " hexadecimal digits");
        }
        return trimmed;
    }

    private MediaConfig media(YamlMapping section, SipConfig sip) {
        RtpEngineConfig rtpengine = rtpengine(section.mappingOrEmpty("rtpengine"));
        String sdpName = section.string("sdp_name", "sipanchor");
        if (sdpName.isBlank() || sdpName.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new ConfigException(section.locationOf("sdp_name"), "must be one word of visible characters (it goes into o= and s=)");
        }
        Duration health = Duration.ofSeconds(positive(section, "health_check_interval_secs", 5,
                MediaConfig.MAX_HEALTH_CHECK_INTERVAL.toSeconds()));
        Map<String, ProfileConfig> profiles = profiles(section.mappingOrEmpty("profiles"));
        MediaFailurePolicy onFailure = section.choice("on_failure", MediaFailurePolicy.class).orElse(MediaFailurePolicy.REJECT);
        Optional<HostPort> dtmfEvents = listenOnly(section.mappingOrEmpty("dtmf_events"));
        MediaLimits limits = mediaLimits(section.mappingOrEmpty("limits"));
        String nodeId = section.string("node_id").map(String::trim).orElseGet(() -> defaultNodeId(sip));
        if (nodeId.isEmpty() || nodeId.length() > 100 || nodeId.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new ConfigException(section.locationOf("node_id"), "must be one word of at most 100 visible characters");
        }
        ReconcileConfig reconcile = reconcile(section);
        section.rejectUnknownKeys();
        return new MediaConfig(rtpengine, sdpName, health, profiles, onFailure, dtmfEvents, limits, nodeId, reconcile);
    }

    private static MediaLimits mediaLimits(YamlMapping section) {
        MediaLimits defaults = MediaLimits.DEFAULTS;
        int maxSdp = positive(section, "max_sdp_bytes", defaults.maxSdpBytes(), MediaLimits.MAX_SDP_BYTES);
        int maxSections = positive(section, "max_media_sections", defaults.maxMediaSections(), MediaLimits.MAX_MEDIA_SECTIONS);
        NonRtpSections nonRtp = section.choice("non_rtp_sections", NonRtpSections.class).orElse(defaults.nonRtpSections());
        section.rejectUnknownKeys();
        return new MediaLimits(maxSdp, maxSections, nonRtp);
    }

    /**
     * This host's name and the first SIP listening address: unique per server of a cluster, stable across restarts.
     * The name is the kernel's, read without a name lookup: {@code InetAddress.getLocalHost()} resolves it, which
     * stalls start-up for seconds on a host whose own name does not resolve.
     */
    private static String defaultNodeId(SipConfig sip) {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(name -> !name.isBlank()).orElseGet(() -> {
            try {
                return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            } catch (IOException e) {
                return "localhost";
            }
        });
        return (host + "/" + sip.listen().get(0).address()).replaceAll("[\\s\\x7f]", "");
    }

    /** {@code media.reconcile}: a mapping, or {@code off}. */
    private static ReconcileConfig reconcile(YamlMapping section) {
        Optional<Object> plain = section.plain("reconcile");
        if (plain.isEmpty()) {
            return ReconcileConfig.DEFAULTS;
        }
        Object value = plain.get();
        if (Boolean.FALSE.equals(value) || "off".equals(value)) {
            return ReconcileConfig.OFF;
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new ConfigException(section.locationOf("reconcile"), "must be off or a mapping { interval_secs, grace_secs }");
        }
        YamlMapping reconcile = section.mappingOrEmpty("reconcile");
        Duration interval = Duration.ofSeconds(positive(reconcile, "interval_secs",
                (int) ReconcileConfig.DEFAULT_INTERVAL.toSeconds(), 86_400));
        Duration grace = Duration.ofSeconds(positive(reconcile, "grace_secs",
                (int) ReconcileConfig.DEFAULT_GRACE.toSeconds(), 86_400));
        reconcile.rejectUnknownKeys();
        return new ReconcileConfig(true, interval, grace);
    }

    /**
     * Reconciliation deletes a call no node owns once it has had no media for the grace period; a call still ringing
     * (on any node, whose configuration is presumably the same) has none yet, so the grace must outlast ringing.
     */
    private static void checkGraceOutlastsRinging(YamlMapping top, MediaConfig media, AppConfig app) {
        ReconcileConfig reconcile = media.reconcile();
        if (reconcile.enabled() && reconcile.grace().toSeconds() <= app.noAnswerTimeoutSecs()) {
            ConfigLocation at = top.mappingOrEmpty("media").mappingOrEmpty("reconcile").locationOf("grace_secs");
            throw new ConfigException(at, "must be longer than app.no_answer_timeout_secs (" + app.noAnswerTimeoutSecs()
                    + "): a call still ringing has no media and must not be taken for a dead one");
        }
    }

    private RtpEngineConfig rtpengine(YamlMapping section) {
        if (section.has("address") && section.has("instances")) {
            throw new ConfigException(section.locationOf("instances"), "give either address (one RTPEngine) or instances (several), not both");
        }
        List<EngineInstanceConfig> instances = section.list("instances", (node, at) -> {
            YamlMapping entry = section.childMapping(node, at);
            HostPort address = entry.parsed("address", HostPort::parse)
                    .orElseThrow(() -> new ConfigException(entry.location(), "address is required (host:port)"));
            int weight = entry.integer("weight").orElse(1);
            if (weight <= 0) {
                throw new ConfigException(entry.locationOf("weight"), "must be greater than 0 (got " + weight + ")");
            }
            entry.rejectUnknownKeys();
            return new EngineInstanceConfig(address, weight);
        }).orElseGet(() -> List.of(new EngineInstanceConfig(section.parsed("address", HostPort::parse).orElse(DEFAULT_RTPENGINE), 1)));
        if (instances.isEmpty()) {
            throw new ConfigException(section.locationOf("instances"), "needs at least one instance");
        }
        Set<HostPort> seen = new HashSet<>();
        for (EngineInstanceConfig instance : instances) {
            if (!seen.add(instance.address())) {
                throw new ConfigException(section.locationOf("instances"), "lists " + instance.address() + " twice");
            }
        }
        Duration timeout = Duration.ofMillis(positive(section, "timeout_ms", 1000, RtpEngineConfig.MAX_TIMEOUT.toMillis()));
        EngineTransport transport = section.choice("transport", EngineTransport.class).orElse(EngineTransport.UDP);
        section.rejectUnknownKeys();
        return new RtpEngineConfig(instances, timeout, transport);
    }

    private Map<String, ProfileConfig> profiles(YamlMapping section) {
        Map<String, ProfileConfig> profiles = new LinkedHashMap<>();
        for (String name : section.keys()) {
            ConfigLocation at = section.locationOf(name);
            if (ProfileConfig.BUILT_IN_NAMES.contains(name)) {
                throw new ConfigException(at, "is a built-in profile; give the custom one another name");
            }
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw new ConfigException(at, "a profile name is letters, digits, '_', '-' or '.'");
            }
            YamlMapping profile = section.mappingOrEmpty(name);
            List<ProfileParam> offer = profileParams(profile.mappingOrEmpty("offer"));
            List<ProfileParam> answer = profileParams(profile.mappingOrEmpty("answer"));
            profile.rejectUnknownKeys();
            profiles.put(name, new ProfileConfig(name, offer, answer, at));
        }
        return profiles;
    }

    private static List<ProfileParam> profileParams(YamlMapping direction) {
        List<ProfileParam> params = new ArrayList<>();
        for (String key : direction.keys()) {
            direction.plain(key).ifPresent(value -> params.add(new ProfileParam(key, value, direction.locationOf(key))));
        }
        return params;
    }

    private static Optional<HostPort> listenOnly(YamlMapping section) {
        Optional<HostPort> listen = section.parsed("listen", HostPort::parse);
        section.rejectUnknownKeys();
        return listen;
    }

    private static LogConfig log(YamlMapping section) {
        LogLevel level = section.choice("level", LogLevel.class).orElse(LogLevel.INFO);
        LogLevel containerLevel = section.choice("container_level", LogLevel.class).orElse(LogLevel.WARN);
        boolean sipTrace = section.bool("sip_trace").orElse(false);
        Map<String, LogLevel> loggers = new LinkedHashMap<>();
        section.mapping("loggers").ifPresent(named -> {
            for (String name : named.keys()) {
                if (!name.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
                    throw new ConfigException(named.locationOf(name), "is not a logger name (a Java package or class name)");
                }
                loggers.put(name, named.choice(name, LogLevel.class).orElse(level));
            }
            named.rejectUnknownKeys();
        });
        section.rejectUnknownKeys();
        return new LogConfig(level, containerLevel, sipTrace, loggers);
    }

    private static int positive(YamlMapping section, String key, int defaultValue) {
        return positive(section, key, defaultValue, Integer.MAX_VALUE);
    }

    /** A whole number in 1..{@code max}, else an error at its line. */
    private static int positive(YamlMapping section, String key, int defaultValue, long max) {
        int value = section.integer(key).orElse(defaultValue);
        if (value <= 0) {
            throw new ConfigException(section.locationOf(key), "must be greater than 0 (got " + value + ")");
        }
        if (value > max) {
            throw new ConfigException(section.locationOf(key), "must be at most " + max + " (got " + value + ")");
        }
        return value;
    }
}
