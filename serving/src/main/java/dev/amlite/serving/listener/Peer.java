package dev.amlite.serving.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * One accepted connection, over TCP or a Unix domain socket: what {@link Connection} reads, writes and shuts, the
 * same for both. Reads block without a socket timeout: the listener's {@link ReadTimer} ends a read that waits too
 * long by shutting the input, which keeps a read one system call (a timed read is a non-blocking read, a poll and
 * a second read when the data was not there yet: three).
 */
sealed interface Peer {
    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** The client's address for logs and handlers ("local" for a Unix domain socket: the server itself). */
    String address();

    /** Ends a read in progress and every later one with end of stream; answers can still be written. */
    void shutdownInput();

    void shutdownOutput() throws IOException;

    void close();

    record Tcp(Socket socket) implements Peer {
        @Override
        public InputStream input() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream output() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public String address() {
            return socket.getInetAddress() == null ? "unknown" : socket.getInetAddress().getHostAddress();
        }

        @Override
        public void shutdownInput() {
            try {
                if (socket instanceof SSLSocket) {
                    socket.close(); // TLS cannot half-close; the answer is lost with the connection
                } else {
                    socket.shutdownInput();
                }
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            if (!(socket instanceof SSLSocket)) {
                socket.shutdownOutput();
            }
        }

        @Override
        public void close() {
            InferenceListener.closeQuietly(socket);
        }
    }

    record Unix(SocketChannel channel) implements Peer {
        @Override
        public InputStream input() {
            return Channels.newInputStream(channel);
        }

        @Override
        public OutputStream output() {
            return Channels.newOutputStream(channel);
        }

        @Override
        public String address() {
            return "local";
        }

        @Override
        public void shutdownInput() {
            try {
                channel.shutdownInput();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
