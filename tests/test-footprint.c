/* test-footprint.c: a fork's memory, estimated before it is made
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dd_teach_footprint () says what a copy of a branch will hold once it has
 * closed a window; a session refuses a fork that would not fit in the memory
 * available. Here the estimate is held against the heap actually allocated
 * by a copy that then runs a window, measured by the allocator (glibc's
 * mallinfo2, or AddressSanitizer's count under ASan), for an MLP, LeNet and
 * the GRU translator.
 */
#include "config.h"
#include "didact-engine.h"
#include "dd-teach.h"

#include <locale.h>
#include <malloc.h>
#include <string.h>
#if defined(__SANITIZE_ADDRESS__)
/* from the sanitizer runtime (its header is not installed with gcc) */
size_t __sanitizer_get_current_allocated_bytes (void);
#endif

/* bytes the allocator has handed out and not had back */
static size_t
heap_in_use (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes ();
#else
  struct mallinfo2 m = mallinfo2 ();
  return m.uordblks + m.hblkhd;
#endif
}

static void
run_window (DdTeach *teach, int T)
{
  g_autoptr(GError) error = NULL;
  DdStepReport r;
  /* a step past the warm-up, then a whole window and its close */
  for (int i = 0; i < 2 * T + 64; i++)
    {
      g_assert_true (dd_teach_step (teach, &r, &error));
      g_assert_no_error (error);
      if (r.kind == DD_STEP_WINDOW)
        return;
    }
  g_assert_not_reached ();
}

static void
check (const char *name, DdTeachConfig *cfg, const DdData *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdTeach) teach = dd_teach_new (cfg, data, &error);
  g_assert_no_error (error);
  run_window (teach, cfg->window);

  size_t estimate = dd_teach_footprint (teach);
  size_t before = heap_in_use ();
  DdTeach *copy = dd_teach_copy (teach);
  run_window (copy, cfg->window);
  size_t used = heap_in_use () - before;
  g_test_message ("%s: estimated %.1f MiB, allocated %.1f MiB (%.2f×)", name, estimate / 1048576.0,
                  used / 1048576.0, (double) estimate / used);
  /* close enough to refuse what would not fit, and on the safe side of the
   * large parts: never under three quarters of what is really taken */
  g_assert_cmpfloat ((double) estimate, >=, 0.75 * used);
  g_assert_cmpfloat ((double) estimate, <=, 1.5 * used);
  dd_teach_free (copy);
}

static void
test_image (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) digits = dd_data_load ("digits", &error);
  g_assert_no_error (error);
  DdTeachConfig cfg;

  dd_teach_config_init (&cfg);
  cfg.student.net = dd_net_spec_default (DD_STUDENT_MLP);
  cfg.student.batch = 20;
  cfg.student.momentum = 0.9;
  cfg.window = 20;
  cfg.pretrain_steps = 2;
  cfg.dev_subsample = 100;
  check ("MLP, digits", &cfg, digits);

  /* LeNet wants 28×28 images */
  g_autoptr(DdData) fashion = dd_data_load ("fashion-mnist", &error);
  g_assert_no_error (error);
  cfg.student.net = dd_net_spec_default (DD_STUDENT_LENET);
  check ("LeNet, Fashion-MNIST", &cfg, fashion);
}

static void
test_translation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("de-en", &error);
  if (data == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  DdTeachConfig cfg;
  dd_teach_config_init (&cfg);
  cfg.student.net = dd_net_spec_default (DD_STUDENT_SEQ2SEQ);
  cfg.student.batch = 16;
  cfg.student.momentum = 0.9;
  cfg.window = 4;
  cfg.pretrain_steps = 1;
  cfg.dev_subsample = 16;
  check ("GRU translator, de-en", &cfg, data);
  /* two threads: each batch split between two lanes, the second a shadow
   * with activations and gradients of its own */
  cfg.student.threads = 2;
  check ("GRU translator, de-en, two lanes", &cfg, data);
  cfg.student.threads = 1;

  /* a session refuses a fork that would not fit, says why, and goes on */
  DdSessionConfig scfg;
  dd_session_config_init (&scfg);
  scfg.teach = cfg;
  scfg.test_subsample = 0;
  scfg.baseline = FALSE;
  DdSession *s = dd_session_new (&scfg, data, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 8; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  g_setenv ("DIDACT_MEMORY_AVAILABLE_MB", "64", TRUE);
  g_assert_cmpint (dd_session_fork (s, 0, &error), ==, -1);
  g_assert_error (error, DD_ERROR, DD_ERROR_NO_MEMORY);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "64.0"));   /* the 64 MiB said available */
  g_assert_nonnull (strstr (error->message, "new branch needs"));
  g_clear_error (&error);
  DdSessionSnapshot snap;
  dd_session_snapshot (s, &snap);
  gint64 n = snap.n_branches, at = snap.step[0];
  dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.step[0], ==, at + 1);
  /* with room, the same fork is made */
  g_setenv ("DIDACT_MEMORY_AVAILABLE_MB", "100000", TRUE);
  g_assert_cmpint (dd_session_fork (s, 0, &error), ==, n);
  g_assert_no_error (error);
  g_unsetenv ("DIDACT_MEMORY_AVAILABLE_MB");
  dd_session_free (s);
}

int
main (int argc, char **argv)
{
  /* a fixed threshold: the allocator's count then does not depend on what
   * was freed before */
  mallopt (M_MMAP_THRESHOLD, 256 * 1024);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  dd_set_threads (1);
  g_test_add_func ("/footprint/image", test_image);
  g_test_add_func ("/footprint/translation", test_translation);
  return g_test_run ();
}
