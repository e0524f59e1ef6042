package ai.mint.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReplyMatcherTest {

    @Test
    void shouldCompleteWithTheFirstAnswerAndDropASecondAnswerOfTheSameRequest() {
        ReplyMatcher<String> matcher = new ReplyMatcher<>(10);
        CompletableFuture<String> future = matcher.expect("req-1");

        assertThat(matcher.accept("req-1", "first answer")).isTrue();
        assertThat(matcher.accept("req-1", "second answer")).isFalse();

        assertThat(future).isCompletedWithValue("first answer");
        assertThat(matcher.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void shouldDropARepeatThatArrivesBeforeAnyoneWaitsAgainAndCountIt() {
        ReplyMatcher<String> matcher = new ReplyMatcher<>(10);
        matcher.expect("a");
        matcher.accept("a", "x");
        CompletableFuture<String> again = matcher.expect("a"); // a caller reusing an id sees no stale answer

        assertThat(matcher.accept("a", "y")).isFalse();

        assertThat(again).isNotDone();
        assertThat(matcher.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void shouldForgetTheOldestAnsweredIdsBeyondItsBound() {
        ReplyMatcher<String> matcher = new ReplyMatcher<>(2);
        matcher.accept("a", "1");
        matcher.accept("b", "2");
        matcher.accept("c", "3"); // "a" is forgotten

        assertThat(matcher.accept("b", "again")).isFalse();
        assertThat(matcher.accept("a", "late")).as("a forgotten id is taken as new").isFalse();
        assertThat(matcher.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void shouldNotCompleteAnotherRequestsFuture() {
        ReplyMatcher<String> matcher = new ReplyMatcher<>(10);
        CompletableFuture<String> one = matcher.expect("one");

        assertThat(matcher.accept("two", "not for one")).isFalse();

        assertThat(one).isNotDone();
        assertThat(matcher.duplicatesDropped()).isZero();
    }
}
