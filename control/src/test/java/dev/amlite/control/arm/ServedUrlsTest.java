package dev.amlite.control.arm;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class ServedUrlsTest {
    @Test
    void rebasingKeepsThePathAndQueryAndTakesTheNewAddress() {
        assertThat(ServedUrls.rebase("https://127.0.0.1:8443/storage/acct/blob/", "http://amlite.example:9000"))
                .isEqualTo("http://amlite.example:9000/storage/acct/blob/");
        assertThat(ServedUrls.rebase("https://[::1]:8443/storage/a/blob/c/p?sv=1&sig=x%2F", "https://h:1/"))
                .isEqualTo("https://h:1/storage/a/blob/c/p?sv=1&sig=x%2F");
        assertThat(ServedUrls.rebase("https://old", "https://new:2")).isEqualTo("https://new:2");
    }

    @Test
    void whatIsNotAnAbsoluteUrlStaysAsItIs() {
        assertThat(ServedUrls.rebase(null, "https://h:1")).isNull();
        assertThat(ServedUrls.rebase("", "https://h:1")).isEmpty();
        assertThat(ServedUrls.rebase("/storage/a/blob/", "https://h:1")).isEqualTo("/storage/a/blob/");
        assertThat(ServedUrls.rebase("not a url", "https://h:1")).isEqualTo("not a url");
    }

    @Test
    void theServedPartIsTheSameWhateverAddressReachedIt() {
        assertThat(ServedUrls.served("https://a:1/storage/x/blob/c/"))
                .isEqualTo(ServedUrls.served("http://b.example:2/storage/x/blob/c/"))
                .isEqualTo("/storage/x/blob/c/");
    }

    @Test
    void onAnotherPortTheHostPathAndQueryStay() {
        assertThat(ServedUrls.onPort("https://amlite.example:8443/mlflow/v1.0/subscriptions/s?x=1", 9443))
                .isEqualTo("https://amlite.example:9443/mlflow/v1.0/subscriptions/s?x=1");
        assertThat(ServedUrls.onPort("https://[::1]:8443/mlflow", 9443)).isEqualTo("https://[::1]:9443/mlflow");
        assertThat(ServedUrls.onPort("http://localhost/mlflow", 8080)).isEqualTo("http://localhost:8080/mlflow");
        assertThat(ServedUrls.onPort("https://h:8443/mlflow", 0)).isEqualTo("https://h:8443/mlflow");
        assertThat(ServedUrls.onPort(null, 1)).isNull();
    }
}
