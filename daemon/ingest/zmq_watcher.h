// ZmqWatcher: drives a ZeroMQ socket from a Boost.Asio io_context.
//
// libzmq exposes ZMQ_FD, which becomes readable when the socket's state *may* have
// changed, and is edge-triggered: after every wake-up the owner must process until
// ZMQ_EVENTS no longer shows ZMQ_POLLIN, and must check again after its own sends
// (a send can consume the edge). The watcher calls `on_readable` while the socket
// has input; `on_readable` must drain (receive until EAGAIN or until it chooses to
// pause). Everything runs on the io_context's thread; not thread-safe.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <zmq.hpp>

namespace pingan::ingest {

class ZmqWatcher {
 public:
  ZmqWatcher(boost::asio::io_context& io, zmq::socket_t& socket, std::function<void()> on_readable);
  ~ZmqWatcher();
  ZmqWatcher(const ZmqWatcher&) = delete;
  ZmqWatcher& operator=(const ZmqWatcher&) = delete;

  void Start();
  void Stop();
  // Re-checks ZMQ_EVENTS soon (posted, so never re-entrant): call after sends, or when
  // a paused reader wants to resume.
  void Kick();
  bool paused() const { return paused_; }
  void set_paused(bool paused) { paused_ = paused; }

 private:
  void Arm();
  void Service();

  boost::asio::io_context& io_;
  zmq::socket_t& socket_;
  std::function<void()> on_readable_;
  boost::asio::posix::stream_descriptor fd_;
  bool running_ = false;
  bool paused_ = false;
  bool kick_pending_ = false;
  bool armed_ = false;
  // Handlers still queued after destruction see this flag false and do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace pingan::ingest
