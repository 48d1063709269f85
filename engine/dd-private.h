/* dd-private.h: small helpers shared by the engine's own files
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-types.h"

#include <math.h>

G_BEGIN_DECLS

/* Loops the auto-vectoriser leaves scalar at -O2 are written on GCC vectors
 * in functions cloned for run-time dispatch to AVX2 or AVX-512 where the CPU
 * has them. Not under ThreadSanitizer: its instrumented ifunc resolvers run
 * before its runtime is up, and crash at load. Not with clang (the fuzzing
 * build): clang 14 emits no symbol for a cloned function that another file
 * calls, and the link fails. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__has_attribute) && \
    !defined(__SANITIZE_THREAD__) && !defined(__clang__)
# if __has_attribute (target_clones)
#  define SIMD_CLONES __attribute__ ((target_clones ("default", "avx2", "avx512f")))
# endif
#endif
#ifndef SIMD_CLONES
# define SIMD_CLONES
#endif

/* in a validation function with a GError **error: refuse with a message */
#define DD_REFUSE(...) \
  G_STMT_START { \
    g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

static inline gboolean
dd_all_finite (const dd_real *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return FALSE;
  return TRUE;
}

G_END_DECLS
