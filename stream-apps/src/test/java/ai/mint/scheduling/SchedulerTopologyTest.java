package ai.mint.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.InferenceRequest;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkKind;
import ai.mint.topics.Tenant;
import ai.mint.topics.Topics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTopologyTest {

    @TempDir
    Path dir;

    private SchedulerDriver scheduler;

    private SchedulerDriver scheduler(boolean prefetch) {
        scheduler = new SchedulerDriver(dir, prefetch);
        return scheduler;
    }

    @AfterEach
    void tearDown() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void shouldPackAWarmAdaptersRequestsForTheWorkerThatHoldsIt() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r2", "r1", "r2");
        s.heartbeat("w1", "run-1", 16);
        s.heartbeat("w2", "run-2", 16, "p@r2");
        List<String> ids = List.of(s.request("p"), s.request("p"), s.request("p"));

        s.advance(SchedulerDriver.WINDOW_MS);

        assertThat(s.work("w1")).isEmpty();
        assertThat(s.work("w2")).singleElement().satisfies(pack -> {
            assertThat(pack.getKind()).isEqualTo(WorkKind.PACK);
            assertThat(pack.getWorkerInstance()).isEqualTo("run-2");
            assertThat(pack.getRevision()).isEqualTo("r2");
            assertThat(pack.getAdapterUri()).isEqualTo("file:///store/p/r2");
            assertThat(pack.getRequests()).extracting(InferenceRequest::getRequestId).containsExactlyElementsOf(ids);
            assertThat(pack.getRequests()).extracting(InferenceRequest::getRevision).containsOnly("r2");
        });
    }

    @Test
    void shouldSendRequestsReadWithinOnePackWindowAsOnePackAndALateOneAWindowAfterItWasRead() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16, "p@r1");
        String first = s.request("p");
        s.advance(SchedulerDriver.WINDOW_MS - 2); // ticks run, but the first request was read too lately
        assertThat(s.work("w1")).isEmpty();
        String second = s.request("p");

        s.advance(2);

        assertThat(s.work("w1")).singleElement().satisfies(pack -> assertThat(pack.getRequests())
                .extracting(InferenceRequest::getRequestId).containsExactly(first, second));
        String late = s.request("p");
        s.advance(SchedulerDriver.WINDOW_MS - 1);
        assertThat(s.work("w1")).isEmpty();
        s.advance(1);
        assertThat(s.work("w1")).singleElement().satisfies(pack -> assertThat(pack.getRequests())
                .extracting(InferenceRequest::getRequestId).containsExactly(late));
    }

    @Test
    void shouldSendALoneRequestOnceItsAdapterWentQuietNotAWholeWindowAfterItWasRead() {
        scheduler = new SchedulerDriver(dir, true, 1);
        SchedulerDriver s = scheduler;
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16, "p@r1");
        String lone = s.request("p");

        s.advance(1);

        assertThat(s.work("w1")).singleElement().satisfies(pack -> assertThat(pack.getRequests())
                .extracting(InferenceRequest::getRequestId).containsExactly(lone));
    }

    @Test
    void shouldSendALoadAheadOfTheFirstPackOfAColdAdapter() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16);
        s.request("p");

        s.advance(SchedulerDriver.WINDOW_MS);

        List<WorkItem> items = s.work("w1");
        assertThat(items).extracting(WorkItem::getKind).containsExactly(WorkKind.LOAD, WorkKind.PACK);
        assertThat(items.get(0).getPackId()).isEqualTo(items.get(1).getPackId());
        assertThat(items.get(0).getSha256()).isEqualTo("sha-r1");
        assertThat(items.get(0).getRequests()).isEmpty();
    }

    @Test
    void shouldLeaveTheLoadToTheWorkerWithoutPrefetch() {
        SchedulerDriver s = scheduler(false);
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16);
        s.request("p");

        s.advance(SchedulerDriver.WINDOW_MS);

        assertThat(s.work("w1")).extracting(WorkItem::getKind).containsExactly(WorkKind.PACK);
    }

    @Test
    void shouldMoveTheUnansweredRequestsOfASilentWorkerAndNeverResendAnsweredOnes() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16, "p@r1");
        s.heartbeat("w2", "run-2", 16);
        String answered = s.request("p");
        String lost = s.request("p");
        s.advance(SchedulerDriver.WINDOW_MS);
        WorkItem pack = s.work("w1").get(0);
        s.done(pack, List.of(answered));

        // w1 goes silent; w2 keeps beating
        for (int t = 0; t < SchedulerDriver.HEARTBEAT_TIMEOUT_MS + 1_000; t += 500) {
            s.advance(500);
            s.heartbeat("w2", "run-2", 16);
        }

        List<WorkItem> moved = s.work("w2");
        assertThat(moved).extracting(WorkItem::getKind).containsExactly(WorkKind.LOAD, WorkKind.PACK);
        assertThat(moved.get(1).getRequests()).extracting(InferenceRequest::getRequestId).containsExactly(lost);
        assertThat(moved.get(1).getAttempt()).isEqualTo(2);
        assertThat(moved.get(1).getPackId()).isNotEqualTo(pack.getPackId());
        assertThat(s.work("w1")).isEmpty();
    }

    @Test
    void shouldMoveTheUnansweredPacksOfARestartedWorkerToItsNewRun() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16, "p@r1");
        String id = s.request("p");
        s.advance(SchedulerDriver.WINDOW_MS);
        assertThat(s.work("w1")).singleElement().extracting(WorkItem::getWorkerInstance).isEqualTo("run-1");

        s.heartbeat("w1", "run-2", 16);
        s.advance(200); // the heartbeat store is re-read every 100 ms

        assertThat(s.work("w1")).last().satisfies(p -> {
            assertThat(p.getWorkerInstance()).isEqualTo("run-2");
            assertThat(p.getRequests()).extracting(InferenceRequest::getRequestId).containsExactly(id);
        });
    }

    @Test
    void shouldPlaceARequestIdOnceWhateverHowOftenItArrives() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16, "p@r1");
        s.request("p", "same", null);
        s.request("p", "same", null);
        s.advance(SchedulerDriver.WINDOW_MS);
        WorkItem pack = s.work("w1").get(0);
        assertThat(pack.getRequests()).extracting(InferenceRequest::getRequestId).containsExactly("same");

        s.done(pack, List.of("same"));
        s.request("p", "same", null); // a client re-publishing an answered request
        s.advance(SchedulerDriver.WINDOW_MS);

        assertThat(s.work("w1")).isEmpty();
    }

    @Test
    void shouldHoldBackRequestsBeyondAWorkersQueueAndSendThemWhenItAnswers() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        s.heartbeat("w1", "run-1", 2, "p@r1");
        for (int i = 0; i < 5; i++) {
            s.request("p");
        }
        s.advance(SchedulerDriver.WINDOW_MS);
        WorkItem first = s.work("w1").get(0);
        assertThat(first.getRequests()).hasSize(2);

        s.done(first, first.getRequests().stream().map(InferenceRequest::getRequestId).toList());
        s.advance(SchedulerDriver.WINDOW_MS);

        assertThat(s.work("w1")).singleElement().satisfies(p -> assertThat(p.getRequests()).hasSize(2));
    }

    @Test
    void shouldAnswerARequestNoWorkerTookWithAnErrorOnItsReplyTopic() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        String id = s.request("p", "lonely", "mint.inference.replies.client-7");

        s.advance(SchedulerDriver.MAX_WAIT_MS + 1_000);

        assertThat(s.responses("mint.inference.replies.client-7")).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo(id);
            assertThat(r.getFinishReason()).isEqualTo("error");
            assertThat(r.getError()).contains("no inference worker");
        });
        assertThat(s.responses(Topics.INFERENCE_RESPONSES.name())).isEmpty();
    }

    /** Issue 12: an error answer to a client that has gone would block the task; it is dead-lettered instead. */
    @Test
    void shouldDeadLetterAnExpiredRequestWhoseReplyTopicIsGoneAndAnswerTheOthers() {
        SchedulerDriver s = scheduler(true);
        s.catalog("p", "r1", "r1");
        s.goneReplyTopics.add("mint.inference.replies.closed-client");
        String lost = s.request("p", "lost", "mint.inference.replies.closed-client");
        String kept = s.request("p", "kept", "mint.inference.replies.client-8");

        s.advance(SchedulerDriver.MAX_WAIT_MS + 1_000);

        assertThat(s.responses("mint.inference.replies.closed-client")).isEmpty();
        assertThat(s.responses("mint.inference.replies.client-8")).singleElement()
                .satisfies(r -> assertThat(r.getRequestId()).isEqualTo(kept));
        assertThat(s.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getErrorClass()).isEqualTo("UNREACHABLE_REPLY_TOPIC");
            assertThat(d.getReason()).contains("mint.inference.replies.closed-client").contains(lost);
            assertThat(d.getSourceTopic()).isEqualTo(Topics.INFERENCE_REQUESTS.name());
        });
        assertThat(s.replyTopicLookups).hasValue(1); // one question for the tick's expired requests
        // the request is done: it is neither answered nor dead-lettered again, and the scheduler goes on
        s.advance(SchedulerDriver.MAX_WAIT_MS + 1_000);
        assertThat(s.deadLetters()).isEmpty();
        String next = s.request("p", "next", "mint.inference.replies.client-8");
        s.advance(SchedulerDriver.MAX_WAIT_MS + 1_000);
        assertThat(s.responses("mint.inference.replies.client-8")).extracting(r -> r.getRequestId())
                .containsExactly(next);
    }

    @Test
    void shouldLeaveTheRevisionToTheWorkerWhenTheSenderSawANewerEntryThanTheScheduler() {
        SchedulerDriver s = scheduler(true);
        s.catalogAt(3, "p", "r1", "r1");
        s.heartbeat("w1", "run-1", 16, "p@r1");
        String behind = s.requestSeen("p", 4); // the sender saw version 4 (say, a promotion) through the query API
        s.advance(SchedulerDriver.WINDOW_MS);
        String current = s.requestSeen("p", 3);
        s.advance(SchedulerDriver.WINDOW_MS);

        List<WorkItem> packs = s.work("w1");
        assertThat(packs).hasSize(2);
        assertThat(packs.get(0).getRequests()).extracting(InferenceRequest::getRequestId).containsExactly(behind);
        assertThat(packs.get(0).getRequests().get(0).getRevision()).isNull();
        assertThat(packs.get(1).getRequests()).extracting(InferenceRequest::getRequestId).containsExactly(current);
        assertThat(packs.get(1).getRequests().get(0).getRevision()).isEqualTo("r1");
    }

    @Test
    void shouldSendARequestOfAnUnknownPolicyToAWorkerToResolve() {
        SchedulerDriver s = scheduler(true);
        s.heartbeat("w1", "run-1", 16);
        s.request("newcomer");

        s.advance(SchedulerDriver.WINDOW_MS);

        assertThat(s.work("w1")).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(WorkKind.PACK);
            assertThat(p.getRevision()).isNull();
            assertThat(p.getRequests().get(0).getRevision()).isNull();
        });
    }

    @Test
    void shouldDeadLetterWhatDoesNotDecodeAndRequestsWithoutAnIdAndGoOn() {
        SchedulerDriver s = scheduler(true);
        s.heartbeat("w1", "run-1", 16);
        byte[] garbage = new byte[12];
        garbage[0] = 7;
        s.pipeRaw(Topics.INFERENCE_REQUESTS.name(), "p", garbage);
        s.request("p", "", null);
        s.request("p", "req-elsewhere", Topics.CATALOG.name());
        String good = s.request("p");

        s.advance(SchedulerDriver.WINDOW_MS);

        assertThat(s.deadLetters()).extracting(d -> d.getReason()).satisfiesExactly(
                r -> assertThat(r).contains("magic byte"),
                r -> assertThat(r).contains("empty request_id"),
                r -> assertThat(r).contains("names reply_topic mint.catalog, which is not an inference reply topic"));
        assertThat(s.work("w1")).singleElement().satisfies(p -> assertThat(p.getRequests())
                .extracting(InferenceRequest::getRequestId).containsExactly(good));
    }

    @Test
    void shouldTakeATenantsRequestsForItsOwnPoliciesOnlyAndAnswerThemOnItsOwnResponsesTopic() {
        SchedulerDriver s = scheduler(true);
        Tenant acme = new Tenant("acme");
        String acmeRequests = acme.topic(Tenant.Kind.INFERENCE_REQUESTS);
        s.catalog("acme.chat", "r1", "r1");
        s.catalog("globex.chat", "r1", "r1");
        s.heartbeat("w1", "run-1", 16, "acme.chat@r1");
        // it names another tenant's responses topic: the platform would otherwise write the answer there for it
        String own = s.requestOn(acmeRequests, "acme.chat", "acme-1", new Tenant("globex")
                .topic(Tenant.Kind.INFERENCE_RESPONSES), null);
        s.requestOn(acmeRequests, "globex.chat", "acme-2", null, null);

        s.advance(SchedulerDriver.WINDOW_MS);

        assertThat(s.work("w1")).singleElement().satisfies(pack -> assertThat(pack.getRequests())
                .singleElement().satisfies(q -> {
                    assertThat(q.getRequestId()).isEqualTo(own);
                    assertThat(q.getReplyTopic()).isEqualTo("mint.tenant.acme.inference.responses");
                    assertThat(q.getTenant()).isEqualTo("acme");
                }));
        assertThat(s.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getErrorClass()).isEqualTo("FOREIGN_POLICY");
            assertThat(d.getReason()).contains("tenant acme", "globex.chat", "acme.*");
        });
    }

    @Test
    void shouldAnswerATenantsExpiredRequestOnTheTenantsResponsesTopic() {
        SchedulerDriver s = scheduler(true);
        Tenant acme = new Tenant("acme");
        s.catalog("acme.chat", "r1", "r1");
        s.requestOn(acme.topic(Tenant.Kind.INFERENCE_REQUESTS), "acme.chat", "acme-late", null, null);

        s.advance(SchedulerDriver.MAX_WAIT_MS + 1_000);

        assertThat(s.responses(acme.topic(Tenant.Kind.INFERENCE_RESPONSES))).singleElement()
                .satisfies(r -> assertThat(r.getRequestId()).isEqualTo("acme-late"));
        assertThat(s.responses(Topics.INFERENCE_RESPONSES.name())).isEmpty();
    }
}
