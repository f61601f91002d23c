// The link in every SMS and e-mail must open the console on what it names. Found from
// outside: messages linked to <base>/alerts/<id>, which answered a JSON 404 (the page
// navigates by fragment, #alert/<id>). The test follows the link core renders through
// the router to a fragment route the page itself declares.
#include <gtest/gtest.h>

#include "daemon/console/web_assets.h"
#include "daemon/core/message_template.h"
#include "tests/console/api_fixture.h"

namespace pingan::console {
namespace {

class DeepLinkTest : public ApiFixture {
 protected:
  DeepLinkTest() { RegisterWebRoutes(router_); }

  // Where GET `path` sends the browser.
  std::string Follow(const std::string& path) {
    Request r;
    r.method = "GET";
    r.target = path;
    const Response res = router_.Handle(r);
    EXPECT_EQ(res.status, 302) << path << ": " << res.body;
    return res.Header("Location");
  }

  // The page routes app.js declares: ['alert', renderAlert, ...].
  static bool PageKnows(const std::string& name) {
    for (const WebAsset& a : WebAssets()) {
      if (a.name == "app.js") {
        return std::string(a.body).find("['" + name + "', ") != std::string::npos;
      }
    }
    return false;
  }

  static std::string PathOf(const std::string& link) {
    const std::string base = "https://pingan.example.cn";
    EXPECT_EQ(link.rfind(base, 0), 0u) << link;
    return link.substr(base.size());
  }
};

TEST_F(DeepLinkTest, TheLinkInAMessageAboutOneAlertOpensThatAlert) {
  core::MessageInput in;
  in.alert_ids = {"a 1/x"};
  const std::string link = core::ConsoleLink("https://pingan.example.cn/", in);
  const std::string location = Follow(PathOf(link));
  EXPECT_EQ(location, "/#alert/" + core::PercentEncode("a 1/x"));
  EXPECT_TRUE(PageKnows("alert"));
}

TEST_F(DeepLinkTest, TheLinkInAGroupedMessageOpensTheActionQueue) {
  core::MessageInput in;
  in.alert_ids = {"a-1", "a-2"};
  in.requirement_id = "daily";
  in.window_id = "2026-10-03";
  const std::string location = Follow(PathOf(core::ConsoleLink("https://pingan.example.cn", in)));
  EXPECT_EQ(location, "/#queue");
  EXPECT_TRUE(PageKnows("queue"));
}

TEST_F(DeepLinkTest, IncidentAndSchoolPathsOpenTheirPages) {
  EXPECT_EQ(Follow("/incidents/r-9"), "/#incident/r-9");
  EXPECT_TRUE(PageKnows("incident"));
  EXPECT_EQ(Follow("/schools/fz-tj-006"), "/#school/fz-tj-006");
  EXPECT_TRUE(PageKnows("school"));
}

}  // namespace
}  // namespace pingan::console
