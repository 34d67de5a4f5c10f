package switchyard.bench.crossjvm;

import switchyard.actors.security.Credentials;
import switchyard.actors.security.CredentialsMaker;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Locale;

/**
 * What protecting one stream costs, on loopback in one JVM: 1 MiB frames one way as plain bytes,
 * sealed per frame with AES-256-GCM (what the data plane does), and through the JDK's TLS 1.3
 * with the job's credentials (what the data plane could have used instead). MB/s of payload, best
 * of three rounds each, interleaved.
 * <pre>java -cp dist/target/switchyard.jar switchyard.bench.crossjvm.LinkProtectionBench [GiB per round]</pre>
 */
public final class LinkProtectionBench {
    private static final int FRAME = 1 << 20;

    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 2) << 30;
        Path dir = Files.createTempDirectory("link-protection").resolve("credentials");
        SSLContext tls = tls(CredentialsMaker.make(dir));
        double plain = 0, sealed = 0, viaTls = 0;
        for (int round = 0; round < 3; round++) {
            plain = Math.max(plain, plain(bytes));
            sealed = Math.max(sealed, sealed(bytes));
            viaTls = Math.max(viaTls, tls(tls, bytes));
        }
        System.out.printf(Locale.ROOT, "one stream on loopback, MB/s: plain %.0f, sealed frames (AES-256-GCM) %.0f (%.2f), TLS 1.3 %.0f (%.2f)%n",
                plain, sealed, sealed / plain, viaTls, viaTls / plain);
    }

    private static double plain(long bytes) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread reader = start(() -> {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocateDirect(FRAME);
                    for (long n = 0; n < bytes; ) {
                        b.clear();
                        int r = c.read(b);
                        if (r < 0) break;
                        n += r;
                    }
                }
                return null;
            });
            long t = System.nanoTime();
            try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) {
                ByteBuffer b = ByteBuffer.allocateDirect(FRAME);
                for (long n = 0; n < bytes; n += FRAME) {
                    b.clear();
                    while (b.hasRemaining()) c.write(b);
                }
            }
            reader.join();
            return bytes / ((System.nanoTime() - t) / 1e9) / 1e6;
        }
    }

    private static double sealed(long bytes) throws Exception {
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread reader = start(() -> {
                try (SocketChannel c = server.accept()) {
                    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
                    ByteBuffer in = ByteBuffer.allocateDirect(FRAME + 16), out = ByteBuffer.allocateDirect(FRAME + 16);
                    for (long frame = 0; frame * FRAME < bytes; frame++) {
                        in.clear();
                        while (in.hasRemaining()) if (c.read(in) < 0) return null;
                        in.flip();
                        out.clear();
                        gcm.init(Cipher.DECRYPT_MODE, key, nonce(frame));
                        gcm.doFinal(in, out);
                    }
                }
                return null;
            });
            long t = System.nanoTime();
            try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) {
                Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
                ByteBuffer plain = ByteBuffer.allocateDirect(FRAME), sealedFrame = ByteBuffer.allocateDirect(FRAME + 16);
                for (long frame = 0; frame * FRAME < bytes; frame++) {
                    plain.clear();
                    sealedFrame.clear();
                    gcm.init(Cipher.ENCRYPT_MODE, key, nonce(frame));
                    gcm.doFinal(plain, sealedFrame);
                    sealedFrame.flip();
                    while (sealedFrame.hasRemaining()) c.write(sealedFrame);
                }
            }
            reader.join();
            return bytes / ((System.nanoTime() - t) / 1e9) / 1e6;
        }
    }

    private static double tls(SSLContext tls, long bytes) throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(true);
            Thread reader = start(() -> {
                try (Socket c = server.accept()) {
                    InputStream in = c.getInputStream();
                    byte[] b = new byte[FRAME];
                    for (long n = 0; n < bytes; ) {
                        int r = in.read(b);
                        if (r < 0) break;
                        n += r;
                    }
                }
                return null;
            });
            long t = System.nanoTime();
            try (Socket c = tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                OutputStream out = c.getOutputStream();
                byte[] b = new byte[FRAME];
                for (long n = 0; n < bytes; n += FRAME) out.write(b);
                out.flush();
            }
            reader.join();
            return bytes / ((System.nanoTime() - t) / 1e9) / 1e6;
        }
    }

    private static SSLContext tls(Credentials c) throws Exception {
        char[] password = c.password().toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(c.keyStore())) {
            keys.load(in, password);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(c.trustStore())) {
            trust.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static GCMParameterSpec nonce(long frame) {
        byte[] iv = new byte[12];
        ByteBuffer.wrap(iv).putLong(4, frame);
        return new GCMParameterSpec(128, iv);
    }

    private interface Body {
        Void run() throws Exception;
    }

    private static Thread start(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "link-protection-reader");
        t.start();
        return t;
    }
}
