/* dd-rng.h: a small, seedable, copyable random number generator (xoshiro256**)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The state is a plain struct so that a run can be copied (fork) or saved
 * byte for byte; the same seed gives the same stream on every machine.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

struct _DdRng {
  guint64 s[4];
};

void    dd_rng_seed    (DdRng *rng, guint64 seed);
/* splitmix64's finaliser: a bijection of 64-bit words whose outputs for
 * neighbouring inputs are unrelated (keys derived from seeds and steps) */
guint64 dd_rng_mix     (guint64 z);
guint64 dd_rng_next    (DdRng *rng);
/* uniform in [0, 1) with 53 random bits */
double  dd_rng_uniform (DdRng *rng);
/* standard normal (Box-Muller, no cached second value so the state stays the struct) */
double  dd_rng_normal  (DdRng *rng);
/* uniform integer in [0, n), unbiased; n > 0 */
guint32 dd_rng_below   (DdRng *rng, guint32 n);
/* Fisher-Yates shuffle of idx[0..n) */
void    dd_rng_shuffle (DdRng *rng, int *idx, int n);

G_END_DECLS
