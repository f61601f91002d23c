// Checks of a request's own claims that protect state changes no session protects
// (login): a declared JSON body and, when the browser names one, our own origin.
//
// Why login needs them although it changes no data: a page elsewhere could otherwise
// sign a victim's browser into an account of the attacker's (login CSRF) with a form
// posting text/plain; a form cannot send application/json without a CORS preflight,
// which we never grant, and a browser always sends Origin with a cross-site POST.
// Cookie routes that change state are guarded by the X-CSRF-Token header instead
// (router.cc), which a cross-site page cannot set or know.
//
// Pure functions of the Request; any thread.
#pragma once

#include <optional>
#include <string_view>

#include "daemon/console/http_types.h"

namespace pingan::console {

// "application/json", case-insensitive, with optional parameters ("; charset=utf-8").
bool IsJsonContentType(std::string_view content_type);

// Whether `origin` ("https://duty.example.cn:8443") names the server the request was
// sent to: the same host and port as the Host header, and the scheme the request
// arrived over (https when request.tls). Default ports (80, 443) may be left out on
// either side. "null" and anything unparsable are not the same origin.
bool SameOrigin(std::string_view origin, const Request& request);

// 415 unless the body is declared JSON; 403 when an Origin header names another origin.
std::optional<Response> JsonSameOriginRefusal(const Request& request);

}  // namespace pingan::console
