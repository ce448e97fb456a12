package org.sipanchor.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;

/**
 * The SIP stack's sockets as jain-sip makes them, every method forwarding to its default layer: a layer that changes
 * one kind of socket ({@code gov.nist.javax.sip.NETWORK_LAYER}) overrides only that one.
 */
abstract class ForwardingNetworkLayer implements NetworkLayer {

    private final NetworkLayer sockets = DefaultNetworkLayer.SINGLETON;

    @Override
    public void setSipStack(SipStackImpl stack) {
        sockets.setSipStack(stack);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return sockets.createServerSocket(port, backlog, bindAddress);
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return sockets.createSSLServerSocket(port, backlog, bindAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return sockets.createSocket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return sockets.createSocket(address, port, myAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return sockets.createSocket(address, port, myAddress, myPort);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return sockets.createSSLSocket(address, port);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return sockets.createSSLSocket(address, port, myAddress);
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return sockets.createDatagramSocket();
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress bindAddress) throws SocketException {
        return sockets.createDatagramSocket(port, bindAddress);
    }
}
