#include <string>

#include "daemon/console/web_assets.h"

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
}

}  // namespace pingan::console
