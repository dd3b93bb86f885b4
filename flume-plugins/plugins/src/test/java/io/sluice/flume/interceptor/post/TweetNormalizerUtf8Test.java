package io.sluice.flume.interceptor.post;

import static io.sluice.contract.EventHeaders.HASHTAGS;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.TWEET_ID;
import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.apache.flume.Context;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A record that is not UTF-8 is {@code invalid-json} (the documented contract), including the
 * byte sequences Jackson would have decoded anyway: overlong forms, UTF-16 surrogates, code points
 * above U+10FFFF, and whole records in UTF-16 or UTF-32 (found by FuzzIT, where such statuses
 * were parsed, their text and hashtags silently altered on the way).
 */
class TweetNormalizerUtf8Test {

  private static final String STATUS = "{\"id_str\":\"55709764298092545\",\"text\":\"%s #Flume\","
      + "\"user\":{\"id_str\":\"1\"},\"entities\":{\"hashtags\":[{\"text\":\"Flume%s\"}]}}";

  private final Interceptor interceptor = build();

  private static Interceptor build() {
    TweetNormalizerInterceptor.Builder builder = new TweetNormalizerInterceptor.Builder();
    builder.configure(new Context());
    Interceptor interceptor = builder.build();
    interceptor.initialize();
    return interceptor;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "C080",     // overlong NUL
    "C1BF",     // overlong U+007F
    "E080AF",   // overlong '/'
    "F08282AC", // overlong U+20AC
    "EDA080",   // U+D800, a UTF-16 surrogate
    "EDBFBF",   // U+DFFF
    "F4908080", // U+110000, above Unicode
    "F5808080", // lead byte beyond U+10FFFF
    "FF", "80", "C3", "E282", "F8888080",
  })
  void rejectsAStatusWithBytesThatAreNotUtf8AsInvalidJson(String hex) {
    byte[] bad = HexFormat.of().parseHex(hex);
    for (byte[] body : new byte[][] {status(bad, new byte[0]), status(new byte[0], bad)}) {
      Map<String, String> headers = interceptor.intercept(event(body, "test:1")).getHeaders();

      assertThat(headers).containsEntry(REJECT_REASON, "invalid-json")
          .doesNotContainKey(TWEET_ID);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE"})
  void rejectsAStatusInAnotherUnicodeEncodingAsInvalidJson(String charset) {
    byte[] body = String.format(STATUS, "hi", "").getBytes(Charset.forName(charset));

    assertThat(interceptor.intercept(event(body, "test:1")).getHeaders())
        .containsEntry(REJECT_REASON, "invalid-json");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "C280",     // U+0080, the first two-byte character
    "E0A080",   // U+0800
    "ED9FBF",   // U+D7FF, just below the surrogates
    "EE8080",   // U+E000, just above them
    "EFBFBF",   // U+FFFF
    "F0908080", // U+10000
    "F48FBFBF", // U+10FFFF, the last code point
    "C3A9E282ACF09F8C8A", // "é€🌊"
  })
  void parsesAStatusWithWellFormedMultiByteCharacters(String hex) {
    byte[] good = HexFormat.of().parseHex(hex);
    String text = new String(good, StandardCharsets.UTF_8);

    Map<String, String> headers =
        interceptor.intercept(event(status(good, good), "test:1")).getHeaders();

    assertThat(headers).doesNotContainKey(REJECT_REASON)
        .containsEntry(TWEET_ID, "55709764298092545")
        .containsEntry(HASHTAGS, "flume" + text.toLowerCase(Locale.ROOT));
  }

  @Property(tries = 2000)
  void agreesWithTheJdksStrictDecoderOnAnyBytesButNul(@ForAll @Size(max = 12) byte[] bytes) {
    boolean strict;
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      strict = true;
    } catch (CharacterCodingException e) {
      strict = false;
    }
    boolean nul = false;
    for (byte b : bytes) {
      nul |= b == 0;
    }

    assertThat(PostParser.isUtf8WithoutNul(bytes)).as(HexFormat.of().formatHex(bytes))
        .isEqualTo(strict && !nul);
  }

  /** The status with {@code inText} in its text and {@code inHashtag} at the end of its hashtag. */
  private static byte[] status(byte[] inText, byte[] inHashtag) {
    String[] parts = String.format(STATUS, "\u0000", "\u0001").split("[\u0000\u0001]");
    byte[] a = parts[0].getBytes(StandardCharsets.UTF_8);
    byte[] b = parts[1].getBytes(StandardCharsets.UTF_8);
    byte[] c = parts[2].getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(a.length + inText.length + b.length + inHashtag.length + c.length)
        .put(a).put(inText).put(b).put(inHashtag).put(c).array();
  }
}
