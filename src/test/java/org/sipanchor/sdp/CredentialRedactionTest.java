package org.sipanchor.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("SIP credentials never reach a log: the scheme and a Digest username stay, the rest is masked")
class CredentialRedactionTest {

    private static final String DIGEST = "Digest username=\"bob\", realm=\"example.com\", nonce=\"8f2a1c0d9e\","
            + " uri=\"sip:alice@example.com\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5,"
            + " cnonce=\"0a4f113b\", qop=auth, nc=00000001";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Authorization: <digest>                        | Authorization: Digest username="bob", ***
            Proxy-Authorization: <digest>                  | Proxy-Authorization: Digest username="bob", ***
            authorization:<digest>                         | authorization:Digest username="bob", ***
            PROXY-AUTHORIZATION:   <digest>                | PROXY-AUTHORIZATION:   Digest username="bob", ***
            Authorization: Digest realm="x", response="r1" | Authorization: Digest ***
            Authorization: Digest username=bob,response=r1 | Authorization: Digest username=bob, ***
            Authorization: Basic Ym9iOnMzY3JldC1wYXNz      | Authorization: Basic ***
            Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30 | Authorization: Bearer ***
            Authentication-Info: rspauth="7c3b2a", qop=auth | Authentication-Info: ***
            """)
    void aCredentialsHeaderKeepsOnlySchemeAndUsername(String line, String masked) {
        assertEquals(masked, CryptoRedaction.redactLine(line.replace("<digest>", DIGEST)));
    }

    @Test
    @DisplayName("in a whole message: the credentials are masked, other headers and the line count are kept")
    void inAWholeMessage() {
        String message = "INVITE sip:alice@example.com SIP/2.0\r\n"
                + "From: <sip:bob@example.com>;tag=1\r\n"
                + "Proxy-Authorization: " + DIGEST + "\r\n"
                + "Content-Length: 0\r\n\r\n";

        String logged = CryptoRedaction.redact(message);

        assertFalse(logged.contains("6629fae49393a05397450978507c4ef1"), logged);
        assertFalse(logged.contains("8f2a1c0d9e"), logged);
        assertTrue(logged.contains("\r\nProxy-Authorization: Digest username=\"bob\", ***\r\n"), logged);
        assertTrue(logged.contains("\r\nFrom: <sip:bob@example.com>;tag=1\r\n"), logged);
        assertEquals(message.lines().count(), logged.lines().count());
    }

    @Test
    @DisplayName("a header folded over several lines is masked on every line of it, and only there")
    void aFoldedHeader() {
        String message = "REGISTER sip:example.com SIP/2.0\r\n"
                + "Authorization: Digest username=\"bob\",\r\n"
                + "  nonce=\"8f2a1c0d9e\",\r\n"
                + "\tresponse=\"6629fae49393a05397450978507c4ef1\"\r\n"
                + "Subject: hello\r\n"
                + " world\r\n\r\n";

        String logged = CryptoRedaction.redact(message);

        assertEquals("REGISTER sip:example.com SIP/2.0\r\n"
                + "Authorization: Digest username=\"bob\", ***\r\n"
                + "  ***\r\n"
                + "\t***\r\n"
                + "Subject: hello\r\n"
                + " world\r\n\r\n", logged);
    }

    @Test
    @DisplayName("a challenge (WWW-Authenticate) carries no secret and is shown")
    void challengesAreShown() {
        String challenge = "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"8f2a1c0d9e\", qop=\"auth\"";
        assertEquals(challenge, CryptoRedaction.redactLine(challenge));
    }
}
