package dev.amlite.control.arm;

import dev.amlite.core.ArmException;
import dev.amlite.core.ErrorCode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import static java.util.Objects.requireNonNull;

/**
 * Which handler serves which resource type. Types registered in the catalog without a dedicated handler go to
 * the fallback (the generic resource handler); types the catalog does not know are refused.
 */
public final class HandlerRegistry {
    private final Map<String, ResourceTypeHandler> handlers;
    private final Function<String, ResourceTypeHandler> fallback;

    private HandlerRegistry(Map<String, ResourceTypeHandler> handlers, Function<String, ResourceTypeHandler> fallback) {
        this.handlers = Map.copyOf(handlers);
        this.fallback = fallback;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ResourceTypeHandler handlerFor(String type) {
        ResourceTypeHandler handler = handlers.get(type.toLowerCase(Locale.ROOT));
        if (handler != null) {
            return handler;
        }
        ResourceTypeHandler generic = fallback.apply(type);
        if (generic == null) {
            int slash = type.indexOf('/');
            throw new ArmException(ErrorCode.InvalidResourceType, "The resource type '"
                    + (slash < 0 ? type : type.substring(slash + 1)) + "' could not be found in the namespace '"
                    + (slash < 0 ? "" : type.substring(0, slash)) + "'. List the types a namespace offers with "
                    + "'amlite provider show --namespace <namespace>'.");
        }
        return generic;
    }

    /** Collects handlers; the composing code (the server) decides which exist. */
    public static final class Builder {
        private final Map<String, ResourceTypeHandler> handlers = new HashMap<>();
        private Function<String, ResourceTypeHandler> fallback = type -> null;

        public Builder register(String type, ResourceTypeHandler handler) {
            requireNonNull(handler, "handler is null");
            if (handlers.putIfAbsent(type.toLowerCase(Locale.ROOT), handler) != null) {
                throw new IllegalStateException("Two handlers for type " + type);
            }
            return this;
        }

        public Builder fallback(Function<String, ResourceTypeHandler> fallback) {
            this.fallback = requireNonNull(fallback, "fallback is null");
            return this;
        }

        public HandlerRegistry build() {
            return new HandlerRegistry(handlers, fallback);
        }
    }
}
