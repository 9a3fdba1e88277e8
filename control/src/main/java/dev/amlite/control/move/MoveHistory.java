package dev.amlite.control.move;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A moved resource's {@code properties.amliteMoveHistory}: its moves, oldest first, the last {@link #KEPT} of
 * them, so that a resource moved back and forth for years does not carry a document that grows with every move.
 * A move's own entry is always the newest when what follows the move reads it (a resource moves once at a time).
 */
final class MoveHistory {
    static final int KEPT = 20;

    private MoveHistory() {
    }

    /** Adds an empty entry at the end of {@code properties}' history, dropping the oldest past {@link #KEPT}. */
    static ObjectNode append(ObjectNode properties) {
        ArrayNode history = properties.withArray("amliteMoveHistory");
        ObjectNode entry = history.addObject();
        while (history.size() > KEPT) {
            history.remove(0);
        }
        return entry;
    }
}
