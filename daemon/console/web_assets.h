// The duty console's web page (daemon/console/web/*: plain HTML, CSS and JS, no build
// step), embedded in the binary at build time (daemon/console/embed_web.cmake writes
// the byte arrays), and the public routes that serve it: "/" (index.html) and
// "/static/{name}". The page itself holds no data; everything comes from /api/v1 after
// login. Immutable data; RegisterWebRoutes runs at start-up on the io thread.
#pragma once

#include <span>
#include <string_view>

#include "daemon/console/router.h"

namespace pingan::console {

struct WebAsset {
  std::string_view name;  // file name, e.g. "app.js"
  std::string_view body;
};

// Defined in the generated web_assets_data.cc.
std::span<const WebAsset> WebAssets();

// "text/html; charset=utf-8" etc. by file extension; "application/octet-stream" otherwise.
std::string_view ContentTypeFor(std::string_view name);

// GET / and GET /static/{name}, public (the login form must load without a session),
// and the deep links of messages (/alerts/{id}, /incidents/{id}, /schools/{id}).
void RegisterWebRoutes(Router& router);

}  // namespace pingan::console
