package switchyard.actors.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Listens on the node's canonical hostname and starts an {@link InboundLink} per accepted
 * connection, as long as the node has room: a connection beyond the limits (connections in all,
 * and those still in their handshake) is closed at once, before a byte is read.
 */
final class DataPlaneServer {
    private final DataPlane plane;
    private final ServerSocketChannel server;
    private final Thread thread;
    private int accepted;

    /** Binds at once, so a port in use fails the node's start with a clear error. */
    DataPlaneServer(DataPlane plane, String host, int port) {
        this.plane = plane;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("the data plane cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        thread = new Thread(this::acceptLoop, "switchyard-data-plane-accept-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                String full = plane.roomForInbound();
                if (full != null) {
                    plane.refused(InboundLink.hostOf(c), full);
                    c.close();
                    continue;
                }
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                plane.inboundStarted(new InboundLink(plane, c, ++accepted));
            } catch (IOException e) {
                if (server.isOpen()) plane.log().warn("data plane: accepting a connection failed: {}", DataPlane.describe(e));
            }
        }
    }
}
