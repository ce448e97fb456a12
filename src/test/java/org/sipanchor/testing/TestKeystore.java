package org.sipanchor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A server key and self-signed certificate for {@code 127.0.0.1}, made at test time with the JDK's {@code keytool}
 * into the test output folder, and a TLS context that trusts it (as a browser would after the user accepted it).
 *
 * <pre>{@code
 * TestKeystore keys = TestKeystore.create("wss");
 * keys.path();            // target/it-output/wss/keystore.p12, password keys.password()
 * keys.trustingContext(); // for BrowserPhone.connect(URI.create("wss://127.0.0.1:5063"), "alice", ...)
 * }</pre>
 */
public record TestKeystore(Path path, String password) {

    public static TestKeystore create(String name) {
        Path dir = TestOutput.directory(name);
        Path file = dir.resolve("keystore.p12");
        String password = "test-" + Long.toHexString(System.nanoTime());
        try {
            Files.deleteIfExists(file);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "sipanchor",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", password, "-keypass", password)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new TestKeystore(file, password);
    }

    /** A TLS client context whose only trusted certificate is this one. */
    public SSLContext trustingContext() {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + path, e);
        }
    }
}
