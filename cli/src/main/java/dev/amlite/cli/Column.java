package dev.amlite.cli;

/** A column of table output: its header and the JMESPath expression that picks its value from each row. */
record Column(String header, String expression) {
    static Column of(String header, String expression) {
        return new Column(header, expression);
    }
}
