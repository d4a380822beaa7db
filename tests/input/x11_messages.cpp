// tests/input/x11_messages.cpp — see x11_messages.hpp.
#include "tests/input/x11_messages.hpp"

#include <X11/Xatom.h>
#include <X11/Xlib.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace vilab::input_test {

namespace {

// One connection for one message exchange; closed on every path out.
struct XConnection {
  ::Display* d = XOpenDisplay(nullptr);
  ~XConnection() {
    if (d) XCloseDisplay(d);
  }
};

// The top-level window at the screen point (x, y), or 0.
Window window_at(::Display* d, int x, int y) {
  const Window root = DefaultRootWindow(d);
  Window child = 0;
  int wx = 0, wy = 0;
  if (!XTranslateCoordinates(d, root, root, x, y, &wx, &wy, &child)) return 0;
  return child;
}

void send_client_message(::Display* d, Window to, Atom type, const long (&data)[5]) {
  XEvent e;
  std::memset(&e, 0, sizeof e);
  e.xclient.type = ClientMessage;
  e.xclient.window = to;
  e.xclient.message_type = type;
  e.xclient.format = 32;
  for (int i = 0; i < 5; ++i) e.xclient.data.l[i] = data[i];
  XSendEvent(d, to, False, NoEventMask, &e);
  XFlush(d);
}

// Waits for an event `accept` takes (it answers the selection requests it sees on the way).
template <class Accept>
bool wait_event(::Display* d, double seconds, Accept accept) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    while (XPending(d)) {
      XEvent e;
      XNextEvent(d, &e);
      if (accept(e)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

bool send_wm_delete(int x, int y, std::string& error) {
  XConnection dpy;
  if (!dpy.d) return error = "cannot open the X display", false;
  const Window target = window_at(dpy.d, x, y);
  if (!target) return error = "no window at the point", false;
  const Atom protocols = XInternAtom(dpy.d, "WM_PROTOCOLS", False);
  const Atom del = XInternAtom(dpy.d, "WM_DELETE_WINDOW", False);
  send_client_message(dpy.d, target, protocols, {long(del), CurrentTime, 0, 0, 0});
  return true;
}

bool xdnd_drop_file(const std::string& path, int x, int y, double seconds, std::string& error) {
  XConnection dpy;
  ::Display* d = dpy.d;
  if (!d) return error = "cannot open the X display", false;
  const Window target = window_at(d, x, y);
  if (!target) return error = "no window at the point", false;
  // The source: an unmapped window of ours that owns the XDND selection.
  const Window source = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
  auto atom = [d](const char* name) { return XInternAtom(d, name, False); };
  const Atom enter = atom("XdndEnter"), position = atom("XdndPosition"), status = atom("XdndStatus"),
             drop = atom("XdndDrop"), finished = atom("XdndFinished"), leave = atom("XdndLeave"),
             selection = atom("XdndSelection"), copy = atom("XdndActionCopy"), uri_list = atom("text/uri-list");
  XSetSelectionOwner(d, selection, source, CurrentTime);
  const std::string uris = "file://" + path + "\r\n";

  // Answers the target's request for the dropped data.
  auto serve = [&](const XEvent& e) {
    if (e.type != SelectionRequest) return;
    const XSelectionRequestEvent& rq = e.xselectionrequest;
    XEvent reply;
    std::memset(&reply, 0, sizeof reply);
    reply.xselection.type = SelectionNotify;
    reply.xselection.requestor = rq.requestor;
    reply.xselection.selection = rq.selection;
    reply.xselection.target = rq.target;
    reply.xselection.time = rq.time;
    reply.xselection.property = None;
    if (rq.target == uri_list) {
      XChangeProperty(d, rq.requestor, rq.property, uri_list, 8, PropModeReplace,
                      reinterpret_cast<const unsigned char*>(uris.data()), int(uris.size()));
      reply.xselection.property = rq.property;
    }
    XSendEvent(d, rq.requestor, False, NoEventMask, &reply);
    XFlush(d);
  };
  auto from_target = [&](const XEvent& e, Atom type) {
    serve(e);
    return e.type == ClientMessage && e.xclient.message_type == type && Window(e.xclient.data.l[0]) == target;
  };

  bool ok = false;
  send_client_message(d, target, enter, {long(source), 5L << 24, long(uri_list), 0, 0});
  send_client_message(d, target, position, {long(source), 0, (long(x) << 16) | long(y), CurrentTime, long(copy)});
  XEvent answer;
  std::memset(&answer, 0, sizeof answer);
  if (!wait_event(d, seconds, [&](const XEvent& e) { return from_target(e, status) && (answer = e, true); })) {
    error = "the window did not answer XdndPosition";
  } else if (!(answer.xclient.data.l[1] & 1)) {
    error = "the window refused the drop";
    send_client_message(d, target, leave, {long(source), 0, 0, 0, 0});
  } else {
    send_client_message(d, target, drop, {long(source), 0, CurrentTime, 0, 0});
    if (!wait_event(d, seconds, [&](const XEvent& e) { return from_target(e, finished); }))
      error = "the window did not finish the drop";
    else
      ok = true;
  }
  XDestroyWindow(d, source);
  XFlush(d);
  return ok;
}

}  // namespace vilab::input_test
