package ai.mint.platform;

import ai.mint.topics.TopicSpec;

import java.util.List;
import java.util.stream.Collectors;

/** The outcome of provisioning every topic: per-topic status, and whether any topic differs from its definition. */
public record ProvisionReport(List<TopicStatus> topics, int brokerCount) {

    public ProvisionReport {
        topics = List.copyOf(topics);
    }

    /** True when at least one topic differs from its definition (the {@code mint topics} command then fails). */
    public boolean hasDrift() {
        return topics.stream().anyMatch(t -> t.outcome() == TopicStatus.Outcome.DRIFT);
    }

    /** The topics with the given outcome. */
    public List<TopicStatus> withOutcome(TopicStatus.Outcome outcome) {
        return topics.stream().filter(t -> t.outcome() == outcome).toList();
    }

    /** The status of one topic, or an error if it was not part of this run. */
    public TopicStatus status(String topic) {
        return topics.stream().filter(t -> t.spec().name().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("topic " + topic + " was not provisioned"));
    }

    /** A fixed-width table: one row per topic with its layout, status and any drift. */
    public String toTable() {
        String format = "%-26s %10s %5s %-8s %-10s %-8s %s%n";
        StringBuilder out = new StringBuilder(String.format(format,
                "TOPIC", "PARTITIONS", "REPL", "CLEANUP", "RETENTION", "STATUS", "DETAIL"));
        for (TopicStatus status : topics) {
            TopicSpec spec = status.spec();
            String detail = status.drifts().stream().map(TopicDrift::describe).collect(Collectors.joining("; "));
            out.append(String.format(format, spec.name(), spec.partitions(),
                    Math.min(spec.replication(), Math.max(1, brokerCount)), spec.cleanup().configValue(),
                    spec.retention() == null ? "forever" : spec.retention().toDays() + "d",
                    status.outcome(), detail));
        }
        return out.toString();
    }
}
