package dev.amlite.control.operations;

import dev.amlite.store.Operation;

/**
 * The work behind one kind of long-running operation. It returns when done, or throws an ArmException that
 * becomes the operation's error. Resumable workers must be idempotent: after a crash they run again from the start.
 */
public interface OperationWorker {
    void run(Operation operation);

    boolean resumable();
}
