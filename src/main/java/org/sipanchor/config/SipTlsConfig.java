package org.sipanchor.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code sip.tls:} section: the server's key and certificate for {@code wss} listeners, in a Java key store.
 *
 * <pre>{@code
 * sip:
 *   listen:
 *     - { transport: wss, address: "0.0.0.0:5063" }
 *   tls:
 *     keystore: "/etc/sipanchor/sip.p12"
 *     keystore_password: "${SIPANCHOR_KEYSTORE_PASSWORD}"
 * }</pre>
 *
 * @param keystore                   the key store holding the private key and certificate chain
 * @param keystorePassword           its password (also the key's)
 * @param keystoreType               pkcs12 or jks
 * @param truststore                 certificates trusted for client certificates; the key store when absent
 * @param truststorePassword         its password; the key store's when absent
 * @param requireClientCertificate   whether a client must present a certificate (browsers do not)
 */
public record SipTlsConfig(Path keystore, String keystorePassword, KeystoreType keystoreType, Optional<Path> truststore,
        Optional<String> truststorePassword, boolean requireClientCertificate) {

    /** Never prints a password. */
    @Override
    public String toString() {
        return "SipTlsConfig[keystore=" + keystore + " type=" + keystoreType + " truststore=" + truststore.orElse(keystore)
                + " requireClientCertificate=" + requireClientCertificate + "]";
    }
}
