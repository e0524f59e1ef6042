package ai.mint.client.cli;

import ai.mint.common.catalog.PolicySummary;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.PointerMove;
import ai.mint.events.PointerMoved;
import ai.mint.events.RevisionInfo;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Plain-text tables of catalog entries, for the CLI and the quickstart. */
public final class CatalogPrinter {

    private CatalogPrinter() {
    }

    /** One line per policy: id, status, base, revisions, serving revision. */
    public static void list(List<CatalogEntry> entries, PrintStream out) {
        listHeader(out);
        summaries(entries.stream().map(PolicySummary::of).toList(), out);
    }

    /** The header of {@link #summaries}. */
    public static void listHeader(PrintStream out) {
        out.printf(Locale.ROOT, "%-24s %-8s %-10s %9s  %-12s %s%n", "POLICY", "STATUS", "BASE", "REVISIONS", "SERVING",
                "LABELS");
    }

    /** One line per policy, as the query API lists them (print {@link #listHeader} once before the first page). */
    public static void summaries(List<PolicySummary> policies, PrintStream out) {
        for (PolicySummary p : policies) {
            out.printf(Locale.ROOT, "%-24s %-8s %-10s %9d  %-12s %s%n", p.policyId(), p.status(), p.baseModel(),
                    p.revisionCount(), p.servingRevision() == null ? "-" : p.servingRevision(), labels(p.labels()));
        }
    }

    /** The header of {@link #revisions}. */
    public static void revisionsHeader(PrintStream out) {
        out.printf(Locale.ROOT, "  %-12s %-12s %5s %-12s %9s %-6s %-24s %s%n", "REVISION", "PARENT", "STEP", "STATE",
                "BYTES", "SERVED", "RETIRED BY RETENTION", "EVAL");
    }

    /** Revisions as the query API pages them (retired ones say when). */
    public static void revisions(List<CatalogRevision> revisions, PrintStream out) {
        for (CatalogRevision record : revisions) {
            RevisionInfo r = record.getRevision();
            out.printf(Locale.ROOT, "  %-12s %-12s %5d %-12s %9s %-6s %-24s %s%n", r.getRevision(),
                    r.getParentRevision() == null ? "-" : r.getParentRevision(), r.getStep(), r.getState(),
                    r.getBytes() == null ? "-" : r.getBytes().toString(), r.getServed() ? "yes" : "-",
                    r.getRetiredAt() == null ? "-" : java.time.Instant.ofEpochMilli(r.getRetiredAt()).toString(),
                    scores(r.getEvalScores()));
        }
    }

    /** The header of {@link #moves}. */
    public static void movesHeader(String policyId, PrintStream out) {
        out.printf(Locale.ROOT, "history of %s%n", policyId);
        out.printf(Locale.ROOT, "  %5s %-24s %-10s %-12s %-12s %-18s %s%n", "SEQ", "TIME", "KIND", "FROM", "TO", "BY",
                "REASON");
    }

    /** Pointer moves as the audit log holds them. */
    public static void moves(List<PointerMoved> moves, PrintStream out) {
        for (PointerMoved moved : moves) {
            PointerMove m = moved.getMove();
            out.printf(Locale.ROOT, "  %5d %-24s %-10s %-12s %-12s %-18s %s%n", moved.getSequence(), m.getTime(),
                    m.getKind(), m.getFrom() == null ? "-" : m.getFrom(), m.getTo(), m.getRequestedBy(), m.getReason());
        }
    }

    private static String labels(Map<String, String> labels) {
        return labels.isEmpty() ? "-" : labels.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** A policy's spec summary and every revision with its state, step, size and eval scores. */
    public static void show(CatalogEntry e, PrintStream out) {
        show(e, out, Integer.MAX_VALUE);
    }

    /** The same with only the newest {@code maxRevisions} revisions (and a line saying how many are left out). */
    public static void show(CatalogEntry e, PrintStream out, int maxRevisions) {
        var spec = e.getSpec();
        out.printf(Locale.ROOT, "policy %s  base %s  rank %d  alpha %.1f  status %s%n", e.getPolicyId(),
                spec.getBaseModel(), spec.getLora().getRank(), spec.getLora().getAlpha(), spec.getStatus());
        out.println("  reward   " + spec.getRewardSpec());
        if (spec.getTraining() != null) {
            out.printf(Locale.ROOT, "  training %d steps, group %d, lr %.3g, %d prompts%n", spec.getTraining().getSteps(),
                    spec.getTraining().getGroupSize(), spec.getTraining().getLearningRate(),
                    spec.getTraining().getPrompts().size());
        }
        if (spec.getGate() != null) {
            out.printf(Locale.ROOT, "  gate     %s >= %.3f, +%.3f over serving%n", spec.getGate().getMetric(),
                    spec.getGate().getMinScore(), spec.getGate().getMinImprovement());
        }
        out.println("  serving  " + (e.getServingRevision() == null ? "-" : e.getServingRevision()));
        int all = Math.max(e.getRevisionCount(), e.getRevisions().size());
        if (all > e.getRevisions().size()) {
            out.printf(Locale.ROOT, "  %d revisions in all; the serving one and the newest %d:%n", all,
                    e.getRevisions().size());
        }
        out.printf(Locale.ROOT, "  %-12s %-12s %5s %-12s %9s  %s%n", "REVISION", "PARENT", "STEP", "STATE", "BYTES", "EVAL");
        List<RevisionInfo> revisions = e.getRevisions();
        if (revisions.size() > maxRevisions) {
            out.printf(Locale.ROOT, "  ... %d earlier revisions%n", revisions.size() - maxRevisions);
            revisions = revisions.subList(revisions.size() - maxRevisions, revisions.size());
        }
        for (RevisionInfo r : revisions) {
            out.printf(Locale.ROOT, "  %-12s %-12s %5d %-12s %9s  %s%n", r.getRevision(),
                    r.getParentRevision() == null ? "-" : r.getParentRevision(), r.getStep(), r.getState(),
                    r.getBytes() == null ? "-" : r.getBytes().toString(), scores(r.getEvalScores()));
        }
    }

    /** Every move of the serving pointer: when, from, to, kind, who, why. */
    public static void history(CatalogEntry e, PrintStream out) {
        history(e, out, Integer.MAX_VALUE);
    }

    /** The newest {@code maxMoves} moves of the serving pointer. */
    public static void history(CatalogEntry e, PrintStream out, int maxMoves) {
        out.printf(Locale.ROOT, "history of %s%n", e.getPolicyId());
        out.printf(Locale.ROOT, "  %-24s %-10s %-12s %-12s %-18s %s%n", "TIME", "KIND", "FROM", "TO", "BY", "REASON");
        List<PointerMove> moves = e.getHistory();
        if (moves.size() > maxMoves) {
            out.printf(Locale.ROOT, "  ... %d earlier moves%n", moves.size() - maxMoves);
            moves = moves.subList(moves.size() - maxMoves, moves.size());
        }
        for (PointerMove m : moves) {
            out.printf(Locale.ROOT, "  %-24s %-10s %-12s %-12s %-18s %s%n", m.getTime(), m.getKind(),
                    m.getFrom() == null ? "-" : m.getFrom(), m.getTo(), m.getRequestedBy(), m.getReason());
        }
    }

    private static String scores(Map<String, Double> scores) {
        return scores.entrySet().stream().map(s -> String.format(Locale.ROOT, "%s=%.3f", s.getKey(), s.getValue()))
                .collect(Collectors.joining(" "));
    }
}
