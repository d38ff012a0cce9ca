#include "common/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <utility>

namespace umla {
namespace {

using Views = std::vector<std::string_view>;

// Whether Split / SplitWhitespace accept an argument of type T: a temporary
// std::string must not compile (its views would dangle), everything else must.
template <typename T, typename = void>
struct SplitAccepts : std::false_type {};
template <typename T>
struct SplitAccepts<T, std::void_t<decltype(Split(std::declval<T>(), ','))>> : std::true_type {};
template <typename T, typename = void>
struct SplitWhitespaceAccepts : std::false_type {};
template <typename T>
struct SplitWhitespaceAccepts<T, std::void_t<decltype(SplitWhitespace(std::declval<T>()))>>
    : std::true_type {};

static_assert(!SplitAccepts<std::string>::value, "a temporary std::string is refused");
static_assert(!SplitWhitespaceAccepts<std::string>::value, "a temporary std::string is refused");
static_assert(SplitAccepts<std::string&>::value && SplitAccepts<const std::string&>::value);
static_assert(SplitAccepts<std::string_view>::value && SplitAccepts<const char*>::value);
static_assert(SplitAccepts<const char (&)[4]>::value, "a string literal is not ambiguous");
static_assert(SplitWhitespaceAccepts<const std::string&>::value &&
              SplitWhitespaceAccepts<std::string_view>::value &&
              SplitWhitespaceAccepts<const char (&)[4]>::value);

TEST(Split, KeepsEmptyFieldsAndPointsIntoItsArgument) {
  const std::string text = "a,,b,";
  Views parts = Split(text, ',');
  EXPECT_EQ(parts, (Views{"a", "", "b", ""}));
  EXPECT_EQ(parts[2].data(), text.data() + 3);
  EXPECT_EQ(Split("", ','), Views{""});
  EXPECT_EQ(Split("no separator", ','), Views{"no separator"});
  std::string nul_separated("x\0y", 3);
  EXPECT_EQ(Split(nul_separated, '\0'), (Views{"x", "y"}));
}

TEST(SplitWhitespace, DropsRunsOfSpacesAndTabs) {
  std::string line = "  /dev/ubdb \t none\tswap  ";
  EXPECT_EQ(SplitWhitespace(line), (Views{"/dev/ubdb", "none", "swap"}));
  EXPECT_EQ(SplitWhitespace(std::string_view(line).substr(2, 9)), Views{"/dev/ubdb"});
  EXPECT_TRUE(SplitWhitespace(" \t ").empty());
  EXPECT_TRUE(SplitWhitespace("").empty());
}

TEST(IsPlainAbsolutePath, AbsoluteWithoutDotDotOrNul) {
  EXPECT_TRUE(IsPlainAbsolutePath("/mnt/host"));
  EXPECT_TRUE(IsPlainAbsolutePath("/a..b/c"));
  EXPECT_FALSE(IsPlainAbsolutePath("mnt/host"));
  EXPECT_FALSE(IsPlainAbsolutePath("/mnt/../etc"));
  EXPECT_FALSE(IsPlainAbsolutePath(""));
  EXPECT_FALSE(IsPlainAbsolutePath(std::string("/a\0b", 4)));
}

TEST(ShortNumber, AsPeopleWriteThem) {
  EXPECT_EQ(ShortNumber(2), "2");
  EXPECT_EQ(ShortNumber(0.5), "0.5");
  EXPECT_EQ(ShortNumber(120), "120");
}

}  // namespace
}  // namespace umla
