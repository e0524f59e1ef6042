package ai.mint.streams;

import ai.mint.events.DeadLetter;

/**
 * Where the stream apps' exception handlers send the dead letters of records they skip. Kafka Streams builds its
 * handlers from class names, so the sink reaches them as an object in the app's configs
 * ({@link StreamsErrors#DEAD_LETTER_SINK}).
 */
@FunctionalInterface
public interface DeadLetterSink {

    /** Publishes {@code letter}; returns once it is acknowledged (dead letters are rare). */
    void send(DeadLetter letter);
}
