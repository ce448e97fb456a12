package org.sipanchor.config;

/** The file format of a Java key store. */
public enum KeystoreType {
    PKCS12, JKS;

    /** The name {@link java.security.KeyStore#getInstance(String)} takes. */
    public String javaName() {
        return name();
    }
}
