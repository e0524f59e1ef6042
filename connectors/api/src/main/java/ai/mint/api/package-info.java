/**
 * The Tinker-shaped training API (service, training, sampling and rest clients and their value types), free of any
 * engine or transport: gpu-consumers implements it in process, the client module over Kafka, and the test-jar's
 * {@code TrainingClientContract} holds both to the same behaviour.
 */
package ai.mint.api;
