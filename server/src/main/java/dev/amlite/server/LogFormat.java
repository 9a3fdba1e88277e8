package dev.amlite.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format json}: the server's log on standard error as one JSON object a line, for log shippers that
 * would otherwise parse the text pattern. The appender of {@code logback.xml} keeps its target and only its encoder
 * changes, so nothing logged before the switch is lost and everything after it is JSON.
 */
final class LogFormat {
    private LogFormat() {
    }

    static void useJson() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding (a test's): it keeps its own format
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender("STDERR") instanceof OutputStreamAppender<ILoggingEvent> appender)) {
            return;
        }
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        // The context (its name and birth time, the same on every line) and the sequence number and nanoseconds
        // say nothing a reader needs; the formatted message replaces the pattern and its arguments.
        json.setWithContext(false);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        appender.stop();
        appender.setEncoder(json);
        appender.start();
    }
}
