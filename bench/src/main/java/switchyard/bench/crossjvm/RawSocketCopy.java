package switchyard.bench.crossjvm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * The yardstick for the all-to-all: the same bytes both ways at once over one plain TCP
 * connection between the same two JVMs, with nothing but socket reads and writes.
 */
public final class RawSocketCopy {
    private static final int BUFFER = 1 << 20;

    private RawSocketCopy() {}

    /** Serves exchanges forever on {@code port} (loopback only), on a daemon thread. */
    public static void serve(int port) throws IOException {
        ServerSocket server = new ServerSocket(port, 4, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    long bytes = in.readLong();
                    exchange(s, bytes);
                } catch (IOException e) {
                    // a client that went away; serve the next one
                }
            }
        }, "raw-socket-copy");
        t.setDaemon(true);
        t.start();
    }

    /** Sends and receives {@code bytes} with the server at {@code port}; returns the seconds it took. */
    public static double run(int port, long bytes) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            new DataOutputStream(s.getOutputStream()).writeLong(bytes);
            long t0 = System.nanoTime();
            exchange(s, bytes);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Writes {@code bytes} on one thread while reading as many on this one. */
    private static void exchange(Socket s, long bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            byte[] buf = new byte[BUFFER];
            try {
                for (long left = bytes; left > 0; ) {
                    int n = (int) Math.min(buf.length, left);
                    out.write(buf, 0, n);
                    left -= n;
                }
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        InputStream in = s.getInputStream();
        byte[] buf = new byte[BUFFER];
        for (long left = bytes; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException("peer closed after " + (bytes - left) + " of " + bytes + " bytes");
            left -= n;
        }
        sending.join();
    }
}
