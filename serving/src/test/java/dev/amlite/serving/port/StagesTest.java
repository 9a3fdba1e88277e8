package dev.amlite.serving.port;

import dev.amlite.serving.listener.BodyTooLargeException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class StagesTest {
    @Test
    void aDependentStagesFailureIsUnwrappedToWhatWentWrong() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        CompletableFuture.<byte[]>failedFuture(new BodyTooLargeException(10, 5))
                .thenApply(body -> body.length)
                .whenComplete((length, failure) -> seen.set(failure));
        assertThat(seen.get()).isInstanceOf(CompletionException.class);
        assertThat(Stages.cause(seen.get())).isInstanceOf(BodyTooLargeException.class);
    }

    @Test
    void aFailureThatIsNotWrappedIsKeptAsItIs() {
        IOException lost = new IOException("lost");
        assertThat(Stages.cause(lost)).isSameAs(lost);
        CompletionException empty = new CompletionException("no cause", null);
        assertThat(Stages.cause(empty)).isSameAs(empty);
    }
}
