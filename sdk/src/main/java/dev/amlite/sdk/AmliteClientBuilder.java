package dev.amlite.sdk;

import java.net.http.HttpClient;
import java.nio.file.Path;

/** Builds an {@link AmliteClient}: {@code endpoint}, {@code credential}, and optionally a CA file or an HTTP client. */
public final class AmliteClientBuilder {
    private String endpoint;
    private TokenCredential credential;
    private Path caFile;
    private HttpClient httpClient;
    private String subscriptionId;

    public AmliteClientBuilder endpoint(String endpoint) {
        this.endpoint = endpoint;
        return this;
    }

    public AmliteClientBuilder credential(TokenCredential credential) {
        this.credential = credential;
        return this;
    }

    public AmliteClientBuilder caFile(Path caFile) {
        this.caFile = caFile;
        return this;
    }

    public AmliteClientBuilder httpClient(HttpClient httpClient) {
        this.httpClient = httpClient;
        return this;
    }

    public AmliteClientBuilder subscriptionId(String subscriptionId) {
        this.subscriptionId = subscriptionId;
        return this;
    }

    /** A credential for a service principal against this builder's endpoint and CA. */
    public TokenCredential servicePrincipal(String tenantId, String clientId, String clientSecret) {
        return new ServicePrincipalCredential(new TokenClient(http(), requireEndpoint()), tenantId, clientId, clientSecret);
    }

    public AmliteClient buildClient() {
        if (credential == null) {
            throw new IllegalStateException("credential is required");
        }
        return new AmliteClient(new ArmClient(http(), requireEndpoint(), credential, null), subscriptionId);
    }

    private HttpClient http() {
        if (httpClient == null) {
            httpClient = HttpTransport.client(caFile);
        }
        return httpClient;
    }

    private String requireEndpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("endpoint is required, e.g. https://localhost:8443");
        }
        return endpoint;
    }
}
