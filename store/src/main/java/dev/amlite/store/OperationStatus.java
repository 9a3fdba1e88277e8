package dev.amlite.store;

/** ARM's operation statuses, spelled as ARM spells them. */
public enum OperationStatus {
    InProgress,
    Succeeded,
    Failed,
    Canceled;

    public boolean isTerminal() {
        return this != InProgress;
    }
}
