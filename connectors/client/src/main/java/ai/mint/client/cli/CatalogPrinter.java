package ai.mint.client.cli;

import ai.mint.events.CatalogEntry;
import ai.mint.events.PointerMove;
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
        out.printf(Locale.ROOT, "%-24s %-8s %-10s %9s  %-12s%n", "POLICY", "STATUS", "BASE", "REVISIONS", "SERVING");
        for (CatalogEntry e : entries) {
            out.printf(Locale.ROOT, "%-24s %-8s %-10s %9d  %-12s%n", e.getPolicyId(), e.getSpec().getStatus(),
                    e.getSpec().getBaseModel(), e.getRevisions().size(),
                    e.getServingRevision() == null ? "-" : e.getServingRevision());
        }
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
