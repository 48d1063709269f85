/* dd-types.h: basic types shared by every part of the Didact engine
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine computes in `dd_real`, which is float unless the library is built
 * with DD_DOUBLE (meson option precision=double, and always for the gradient
 * checks, which link a double-precision copy of the engine).
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

#ifdef DD_DOUBLE
typedef double dd_real;
# define DD_REAL_NAME "double"
#else
typedef float dd_real;
# define DD_REAL_NAME "single"
#endif

#define DD_ERROR (dd_error_quark ())

typedef enum {
  DD_ERROR_INVALID_ARGUMENT, /* a configuration value is out of range or unknown */
  DD_ERROR_DATA_MISSING,     /* a dataset is not installed */
  DD_ERROR_DATA_CORRUPT,     /* a data file is malformed */
  DD_ERROR_DIVERGED,         /* a NaN or Inf appeared during training */
  DD_ERROR_IO,               /* reading or writing a file failed */
  DD_ERROR_CANCELLED,        /* stopped on request (a session closing) */
  DD_ERROR_NEWER_FORMAT,     /* a file written by a newer version of Didact */
  DD_ERROR_NO_MEMORY,        /* the memory available would not hold what was asked */
} DdError;

GQuark dd_error_quark (void);

typedef struct _DdDataset DdDataset;
typedef struct _DdData    DdData;
typedef struct _DdNet     DdNet;
typedef struct _DdOptim   DdOptim;
typedef struct _DdRng     DdRng;
typedef struct _DdEval    DdEval;
typedef struct _DdRun     DdRun;
typedef struct _DdTeacher DdTeacher;

G_END_DECLS
