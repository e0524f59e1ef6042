/**
 * The Tinker-shaped training API (service, training and sampling clients and their value types), free of any engine
 * or transport: gpu-consumers implements it in process, {@link ai.mint.client.KafkaTrainingClient} over Kafka.
 */
package ai.mint.api;
