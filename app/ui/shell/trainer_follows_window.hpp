// app/ui/shell/trainer_follows_window.hpp — a model window's background trainer follows its window.
//
// The VAE and the BNN train on their own threads (vi::LiveTrainer). A fit nobody can see should
// not take a core from the one on screen, and a teacher who closes a window and opens it again
// expects to find it as it was: so closing the window pauses its trainer, and opening it again
// resumes it when it was playing at the close (a paused fit stays paused). One rule for every
// model window, kept here so that the windows cannot drift apart again.
#pragma once

namespace vilab {

struct TrainerFollow {
  bool was_open = false;       // the window was open in the last frame
  bool resume_on_open = false;  // the trainer was playing when the window closed
};

// Call once per frame with the window's flag, before drawing it. `live` may be null (no trainer
// made yet). Live is a vi::LiveTrainer<…>.
template <class Live>
void follow_window(TrainerFollow& f, Live* live, bool open) {
  if (live && f.was_open && !open) {
    f.resume_on_open = live->frame()->playing;
    live->pause();
  } else if (live && !f.was_open && open && f.resume_on_open) {
    live->play();
    f.resume_on_open = false;
  }
  f.was_open = open;
}

}  // namespace vilab
