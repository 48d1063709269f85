/* fuzz-common.h: what the libFuzzer harnesses share
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's loaders take paths; a harness hands them an in-memory file (a
 * memfd, named by /proc/self/fd/N), rewritten for every input, so no input
 * touches the disk. GLib criticals and warnings abort: a failed precondition
 * reached from a loader's input is a bug as much as a crash is.
 */
#pragma once

#define _GNU_SOURCE
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  int  fd;
  char path[64];
} FuzzFile;

static inline void
fuzz_file_init (FuzzFile *f, const char *name)
{
  f->fd = memfd_create (name, MFD_CLOEXEC);
  if (f->fd < 0)
    {
      perror ("memfd_create");
      abort ();
    }
  g_snprintf (f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

/* the file now holds exactly data[0, size) */
static inline void
fuzz_file_set (FuzzFile *f, const void *data, size_t size)
{
  const char *p = data;

  if (ftruncate (f->fd, 0) != 0)
    abort ();
  while (size > 0)
    {
      ssize_t n = pwrite (f->fd, p, size, p - (const char *) data);
      if (n <= 0)
        abort ();
      p += n;
      size -= (size_t) n;
    }
}

/* GLib's own handler ends a fatal message with a breakpoint trap, which
 * libFuzzer does not catch: abort instead, so the input is saved */
static void
fuzz_log_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      fprintf (stderr, "%s: %s\n", domain ? domain : "GLib", message);
      abort ();
    }
}

static inline void
fuzz_fatal_criticals (void)
{
  g_log_set_default_handler (fuzz_log_handler, NULL);
}

/* a refusal must say what is wrong */
#define FUZZ_ASSERT_REFUSED(ok, error) \
  G_STMT_START { \
    if (!(ok)) \
      { \
        g_assert_nonnull (error); \
        g_assert_true ((error)->domain == DD_ERROR); \
        g_assert_cmpstr ((error)->message, !=, ""); \
      } \
    else \
      g_assert_null (error); \
  } G_STMT_END
