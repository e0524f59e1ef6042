package ai.mint.monitoring.board;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.events.Alert;
import ai.mint.events.AlertKind;
import ai.mint.events.PolicyView;
import ai.mint.events.WorkerView;
import ai.mint.topics.SampleEvents;
import ai.mint.topics.Topics;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorBoardTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    private static PolicyView view(String policy, int window, double rps, Double reward) {
        PolicyView sample = (PolicyView) SampleEvents.sample(Topics.MONITOR_POLICIES, policy);
        return PolicyView.newBuilder(sample).setWindowStart(T0.plusSeconds(10L * window))
                .setWindowEnd(T0.plusSeconds(10L * window + 10)).setRequestsPerSecond(rps).setRewardMean(reward)
                .build();
    }

    private static Alert alert(String id, int second) {
        return Alert.newBuilder((Alert) SampleEvents.sample(Topics.ALERTS, "alpha")).setEventId(id)
                .setTime(T0.plusSeconds(second)).setKind(AlertKind.REWARD_LOW).build();
    }

    @Test
    void shouldKeepTheLatestViewsTheirRewardHistoryAndTheNewestAlerts() {
        MonitorBoard board = new MonitorBoard(3, 2);
        board.add(view("alpha", 0, 1.0, 0.1));
        board.add(view("alpha", 1, 2.0, null));
        board.add(view("alpha", 2, 3.0, 0.3));
        board.add(view("alpha", 3, 4.0, 0.4));
        board.add(view("alpha", 1, 9.0, 0.9)); // an older window read again: ignored
        board.add(view("beta", 3, 8.0, 0.5));
        board.add(view("gamma", 2, 50.0, 0.5)); // busier, but its newest window is older
        board.add(alert("a1", 1));
        board.add(alert("a2", 2));
        board.add(alert("a2", 2)); // the same alert read again
        board.add(alert("a3", 3));
        board.add((WorkerView) SampleEvents.sample(Topics.MONITOR_WORKERS, "alpha"));

        assertThat(board.topPolicies(10)).extracting(PolicyRow::policy).containsExactly("beta", "alpha", "gamma");
        assertThat(board.topPolicies(1)).extracting(PolicyRow::policy).containsExactly("beta");
        PolicyRow alpha = board.policy("alpha").orElseThrow();
        assertThat(alpha.requestsPerSecond()).isEqualTo(4.0);
        assertThat(alpha.rewardHistory()).containsExactly(null, 0.3, 0.4);
        assertThat(board.alerts(10)).extracting(AlertRow::eventId).containsExactly("a3", "a2");
        assertThat(board.workers()).extracting(WorkerRow::worker).containsExactly("worker-0");
    }

    @Test
    void shouldServeTheBoardAsJsonThatReadsBackIntoTheSameRows() throws Exception {
        MonitorBoard board = new MonitorBoard(5, 5);
        board.add(view("alpha", 0, 1.0, 0.1));
        board.add(view("beta", 0, 2.0, null));
        board.add(alert("a1", 1));
        board.add((WorkerView) SampleEvents.sample(Topics.MONITOR_WORKERS, "alpha"));
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        try (MonitorHttpServer api = MonitorHttpServer.start(board, "127.0.0.1", 0)) {
            HttpResponse<String> top = get(http, api.url() + "/policies/top?limit=1");
            assertThat(top.statusCode()).isEqualTo(200);
            assertThat(json.readValue(top.body(), new TypeReference<List<PolicyRow>>() {
            })).isEqualTo(board.topPolicies(1));
            assertThat(json.readValue(get(http, api.url() + "/policies/alpha").body(), PolicyRow.class))
                    .isEqualTo(board.policy("alpha").orElseThrow());
            assertThat(json.readValue(get(http, api.url() + "/workers").body(),
                    new TypeReference<List<WorkerRow>>() {
                    })).isEqualTo(board.workers());
            assertThat(json.readValue(get(http, api.url() + "/alerts?limit=3").body(),
                    new TypeReference<List<AlertRow>>() {
                    })).isEqualTo(board.alerts(3));
            assertThat(get(http, api.url() + "/policies/nobody").statusCode()).isEqualTo(404);
            HttpResponse<String> bad = get(http, api.url() + "/alerts?limit=0");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("limit must be an integer in 1..1000");
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
