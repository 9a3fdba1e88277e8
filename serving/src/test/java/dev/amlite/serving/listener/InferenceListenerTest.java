package dev.amlite.serving.listener;

import dev.amlite.serving.port.HttpServerContract;
import dev.amlite.serving.port.ScoringRequest;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The instances' server (a thread per connection) against the HTTP/1.1 contract both servers keep. */
class InferenceListenerTest extends HttpServerContract {
    private InferenceListener listener;

    @Override
    protected int startServer(ListenerSettings settings) throws IOException {
        listener = InferenceListener.bind(settings, null);
        listener.start(request -> echo(new Blocking(request)).toCompletableFuture().join());
        return listener.port();
    }

    /** The blocking request seen through the scoring port's interface: its body read at once when asked for. */
    private record Blocking(InferenceRequest request) implements ScoringRequest {
        @Override
        public String method() {
            return request.method();
        }

        @Override
        public String path() {
            return request.path();
        }

        @Override
        public String header(String name) {
            return request.header(name);
        }

        @Override
        public long declaredLength() {
            return request.declaredLength();
        }

        @Override
        public String clientAddress() {
            return request.clientAddress();
        }

        @Override
        public CompletionStage<byte[]> body(long max) {
            try {
                return CompletableFuture.completedFuture(request.body(max));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    @Override
    protected int port() {
        return listener.port();
    }

    @Override
    protected int openConnections() {
        return listener.openConnections();
    }

    @Override
    protected long acceptedConnections() {
        return listener.acceptedConnections();
    }

    @Override
    protected long refusedConnections() {
        return listener.refusedConnections();
    }

    @Override
    protected void closeServer() {
        if (listener != null) {
            listener.close();
        }
    }
}
