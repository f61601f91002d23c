#include "daemon/app/daemon.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <filesystem>

#include "daemon/ingest/curve_keys.h"

namespace pingan::app {

Daemon::Daemon(DaemonConfig config, const core::Clock& clock, DaemonOptions options)
    : config_(std::move(config)), clock_(clock), options_(options), zmq_context_(1) {}

Daemon::~Daemon() {
  // Sockets first (they reference the writer), then the writer drains and joins.
  report_server_.reset();
  zap_.reset();
  if (writer_) writer_->Stop();
}

std::string Daemon::LoadServerSecretKey() {
  const std::string path = config_.DataPath(config_.server_key_file);
  if (!std::filesystem::exists(path) && config_.generate_server_key) {
    const std::string base = path.ends_with(".key") ? path.substr(0, path.size() - 4) : path;
    auto written = wire::WriteKeyPair(base, wire::GenerateCurveKeyPair());
    if (auto* err = std::get_if<wire::KeyError>(&written)) throw std::runtime_error(err->message);
    spdlog::info("generated the daemon's CURVE keypair: {} (give {}.pub to the agents)", path,
                 base);
  }
  auto keys = wire::ReadSecretKeyFile(path);
  if (auto* err = std::get_if<wire::KeyError>(&keys)) throw std::runtime_error(err->message);
  return std::get<wire::CurveKeyPair>(keys).secret_z85;
}

std::string Daemon::Start() {
  std::filesystem::create_directories(config_.data_dir);
  store::StoreWriterOptions store_options;
  store_options.database_path = config_.DataPath(config_.database);
  store_options.max_batch = config_.max_batch;
  store_options.text_retention = std::chrono::hours{24 * config_.incident_text_retention_days};
  writer_ = std::make_unique<store::StoreWriter>(
      store_options, [this](std::vector<store::WriteOutcome> outcomes) {
        boost::asio::post(io_, [this, outcomes = std::move(outcomes)] {
          if (report_server_) report_server_->OnCommitted(outcomes);
        });
      });

  ingest::ReportServerOptions server_options;
  server_options.endpoint = config_.listen;
  server_options.insecure_dev = options_.insecure_dev;
  server_options.backlog = config_.backlog;
  server_options.max_pending = config_.max_pending;
  server_options.limits = config_.limits;
  bool zap_running = false;
  if (!options_.insecure_dev) {
    server_options.curve_secret_key = LoadServerSecretKey();
    zap_ = std::make_unique<ingest::ZapAuthenticator>(io_, zmq_context_);
    ReloadKeys();
    zap_->Bind();
    zap_running = true;
  } else {
    spdlog::warn(
        "INSECURE DEVELOPMENT MODE: no encryption, no authentication; any client "
        "may claim any school. Never use this outside a local experiment.");
  }
  report_server_ = std::make_unique<ingest::ReportServer>(io_, zmq_context_, *writer_, clock_,
                                                          std::move(server_options));
  const std::string endpoint = report_server_->Bind(zap_running);
  spdlog::info("pingand listening on {} ({})", endpoint,
               options_.insecure_dev ? "plain text" : "CURVE");
  return endpoint;
}

void Daemon::ReloadKeys() {
  if (!zap_) return;
  const std::string source = config_.DataPath(config_.school_keys);
  if (!std::filesystem::exists(source)) {
    spdlog::warn("school key source {} does not exist: no school can connect", source);
    zap_->SetSchoolKeys({});
    return;
  }
  auto keys = wire::LoadSchoolKeys(source);
  if (auto* err = std::get_if<wire::KeyError>(&keys)) {
    // Keep the previous set: a broken edit must not lock every school out.
    spdlog::error("school keys not reloaded: {}", err->message);
    if (zap_->allowed_keys() == 0) throw std::runtime_error(err->message);
    return;
  }
  zap_->SetSchoolKeys(std::get<wire::SchoolKeys>(keys));
}

void Daemon::Run() {
  io_.run();
}

void Daemon::Stop() {
  boost::asio::post(io_, [this] { io_.stop(); });
}

}  // namespace pingan::app
