#include <string>

#include "daemon/console/web_assets.h"
#include "daemon/core/message_template.h"

namespace pingan::console {
namespace {

const WebAsset* FindAsset(std::string_view name) {
  for (const WebAsset& a : WebAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Response AssetResponse(const WebAsset& asset) {
  Response res;
  res.body = std::string(asset.body);
  res.headers = {{"Content-Type", std::string(ContentTypeFor(asset.name))},
                 // Small files, served from memory: always revalidate so that an upgraded
                 // daemon never runs with a stale script.
                 {"Cache-Control", "no-cache"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"X-Frame-Options", "DENY"},
                 {"Referrer-Policy", "no-referrer"},
                 {"Content-Security-Policy",
                  "default-src 'self'; img-src 'self' data:; media-src 'self' data:; "
                  "frame-ancestors 'none'"}};
  return res;
}

// The links in SMS and e-mail (core::ConsoleLink) are real paths, which survive any
// mail client; the page itself navigates by fragment. Each path answers with a
// redirect to the page's fragment route, which shows the sign-in first when needed and
// then the linked page.
Response Redirect(std::string location) {
  Response res;
  res.status = 302;
  res.headers = {{"Location", std::move(location)}, {"Cache-Control", "no-store"}};
  return res;
}

void AddDeepLink(Router& router, const std::string& path, const std::string& fragment) {
  router.Add({"GET", path + "/{id}", Permission::kPublic, false,
              [fragment](const RouteContext& c) {
                return Redirect("/#" + fragment + "/" + core::PercentEncode(c.params.at("id")));
              },
              Runs::kIo});
}

}  // namespace

std::string_view ContentTypeFor(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

void RegisterWebRoutes(Router& router) {
  router.Add({"GET", "/", Permission::kPublic, false,
              [](const RouteContext&) {
                const WebAsset* index = FindAsset("index.html");
                if (index == nullptr) return ErrorResponse(404, "not_found", "no web page built");
                return AssetResponse(*index);
              },
              Runs::kIo});
  router.Add({"GET", "/static/{name}", Permission::kPublic, false,
              [](const RouteContext& c) {
                const WebAsset* asset = FindAsset(c.params.at("name"));
                if (asset == nullptr) return ErrorResponse(404, "not_found", "no such file");
                return AssetResponse(*asset);
              },
              Runs::kIo});
  AddDeepLink(router, "/alerts", "alert");
  AddDeepLink(router, "/incidents", "incident");
  AddDeepLink(router, "/schools", "school");
  // A message about several alerts of one deadline (13 schools missed it) links to the
  // action queue, where they can be taken together.
  router.Add({"GET", "/alerts", Permission::kPublic, false,
              [](const RouteContext&) { return Redirect("/#queue"); }, Runs::kIo});
  // The statistics page, for links in documents and bookmarks: /stats?from=&to=&unit=
  // opens #stats/<from>/<to>[/<unit>] (the page's own defaults without a period).
  router.Add({"GET", "/stats", Permission::kPublic, false,
              [](const RouteContext& c) {
                std::string fragment = "/#stats";
                auto value = [&c](const char* key) {
                  auto it = c.query.find(key);
                  return it == c.query.end() ? std::string() : it->second;
                };
                if (!value("from").empty() && !value("to").empty()) {
                  fragment += "/" + core::PercentEncode(value("from")) + "/" +
                              core::PercentEncode(value("to"));
                  if (!value("unit").empty()) fragment += "/" + core::PercentEncode(value("unit"));
                }
                return Redirect(std::move(fragment));
              },
              Runs::kIo});
}

}  // namespace pingan::console
