// Conditional GET helpers (RFC 9110 sections 8.8 and 13.1.2): entity tags, If-None-Match under
// the weak comparison, IMF-fixdate.
#include <gtest/gtest.h>

#include "realnet/net/http_conditional.h"

namespace cdnlab {
namespace {

TEST(HttpConditional, StrongTagsFollowTheBytes) {
  const std::string tag = StrongEntityTag("{\"a\": 1}\n");
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_EQ(tag, StrongEntityTag("{\"a\": 1}\n"));
  EXPECT_NE(tag, StrongEntityTag("{\"a\": 2}\n"));
}

TEST(HttpConditional, IfNoneMatchUsesTheWeakComparison) {
  const std::string tag = "\"abc\"";
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", tag));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"abc\"", tag));
  EXPECT_TRUE(IfNoneMatchMatches("\"x\", W/\"abc\"", tag));
  EXPECT_TRUE(IfNoneMatchMatches(" * ", tag));
  EXPECT_FALSE(IfNoneMatchMatches("\"abd\"", tag));
  EXPECT_FALSE(IfNoneMatchMatches("abc", tag));        // unquoted: malformed
  EXPECT_FALSE(IfNoneMatchMatches("\"abc", tag));      // unterminated
  EXPECT_FALSE(IfNoneMatchMatches("W/", tag));
  EXPECT_FALSE(IfNoneMatchMatches("\"abc\"x", tag));   // no separator
  EXPECT_FALSE(IfNoneMatchMatches("*, \"abc\"", tag));  // "*" only alone
  EXPECT_FALSE(IfNoneMatchMatches("", tag));
}

TEST(HttpConditional, HttpDateIsAnImfFixdate) {
  EXPECT_EQ(HttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
  EXPECT_EQ(HttpDate(1462351690), "Wed, 04 May 2016 08:48:10 GMT");
}

}  // namespace
}  // namespace cdnlab
