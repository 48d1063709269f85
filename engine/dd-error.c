/* dd-error.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-types.h"

G_DEFINE_QUARK (dd-error-quark, dd_error)
