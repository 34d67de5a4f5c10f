package switchyard.actors.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Listens on the node's canonical hostname and starts an {@link InboundLink} per accepted connection. */
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
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                plane.inboundStarted(new InboundLink(plane, c, ++accepted));
            } catch (IOException e) {
                if (server.isOpen()) plane.log().warn("data plane: accepting a connection failed: {}", DataPlane.describe(e));
            }
        }
    }
}
