/* dd-state.h: an object's state as a sequence of named, typed fields,
 * written and read by one description
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Engine-internal; the session file (dd-session-file.c, docs/session-file.md)
 * is built on it. A DdState is either a writer, which appends each field to a
 * buffer, or a reader, which takes the next field from one, checks that its
 * name, element type and length are the ones described, and stores it. So
 * one function — "visit the state of a DdTeach" — both saves and restores,
 * and the two directions cannot drift apart.
 *
 * A field: kind (1 byte: 'l' int64, 'i' int32, 'd' float64, 'f' float32,
 * 's' bytes, '-' absent), name length (1 byte), the name, the element count
 * (uint64), the elements; all little-endian.
 *
 * Failure is sticky: the first mismatch is kept with the path of the field
 * ("branch 2 › teach › shadow_w: 1,600 values where 3,200 were expected") and
 * every later call does nothing, so a describing function needs no error
 * checks of its own, only bounds on what it allocates from values read. A
 * reader never reads past its buffer and never allocates more than the
 * buffer could hold.
 */
#pragma once

#include "dd-types.h"
#include "dd-teach.h"

G_BEGIN_DECLS

typedef struct _DdState DdState;

DdState  *dd_state_new_writer (void);
/* reads data[0, size), which must outlive the reader */
DdState  *dd_state_new_reader (const guint8 *data, gsize size);
void      dd_state_free       (DdState *st);
gboolean  dd_state_reading    (const DdState *st);
gboolean  dd_state_ok         (const DdState *st);
/* fails the state (if it has not failed yet) with a message about the
 * current context */
void      dd_state_fail       (DdState *st, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* the failure as DD_ERROR_DATA_CORRUPT, prefixed with where it happened;
 * a reader also fails if fields are left over. TRUE when all went well. */
gboolean  dd_state_finish     (DdState *st, GError **error);
/* the writer's bytes (the writer is left empty) */
GBytes   *dd_state_steal      (DdState *st);
/* The session file format the fields follow (DD_SESSION_FILE_VERSION unless
 * set): a describing function visits the fields a format added only when
 * dd_state_format () is at least that format, so that a reader of an older
 * file leaves them as they were. */
void      dd_state_set_format (DdState *st, int format);
int       dd_state_format     (const DdState *st);
/* the context of the fields that follow, for messages ("branch 2") */
void      dd_state_push       (DdState *st, const char *format, ...) G_GNUC_PRINTF (2, 3);
void      dd_state_pop        (DdState *st);
/* bytes appended (writer) or consumed (reader) so far */
gsize     dd_state_offset     (const DdState *st);
/* a reader's bytes not yet consumed (0 for a writer) */
gsize     dd_state_left       (const DdState *st);

/* scalars */
void dd_state_i64  (DdState *st, const char *name, gint64 *v);
void dd_state_u64  (DdState *st, const char *name, guint64 *v);
/* an int, reading refuses a value outside [min, max] */
void dd_state_int  (DdState *st, const char *name, int *v, int min, int max);
void dd_state_bool (DdState *st, const char *name, gboolean *v);
void dd_state_f64  (DdState *st, const char *name, double *v);
/* writing checks that v equals what the reader's side will have derived on
 * its own (a dimension): reading fails when the stored value differs */
void dd_state_expect (DdState *st, const char *name, gint64 v);
/* a string or NULL; reading frees *v and stores a new one */
void dd_state_str  (DdState *st, const char *name, char **v);

/* arrays of a length both sides know */
void dd_state_reals (DdState *st, const char *name, dd_real *v, gsize n);
void dd_state_f32s  (DdState *st, const char *name, float *v, gsize n);
void dd_state_f64s  (DdState *st, const char *name, double *v, gsize n);
void dd_state_u64s  (DdState *st, const char *name, guint64 *v, gsize n);
/* reading refuses a value outside [min, max] */
void dd_state_ints  (DdState *st, const char *name, int *v, gsize n, int min, int max);
/* arrays that may be absent (NULL): reading frees *v and allocates n
 * elements, or leaves NULL */
void dd_state_opt_reals (DdState *st, const char *name, dd_real **v, gsize n);
void dd_state_opt_f64s  (DdState *st, const char *name, double **v, gsize n);
void dd_state_opt_ints  (DdState *st, const char *name, int **v, gsize n, int min, int max);
/* a count the reader learns from the stream (a history's length);
 * reading refuses more than max, and more than the bytes left could hold
 * at 8 bytes an item */
void dd_state_count (DdState *st, const char *name, gint64 *n, gint64 max);

/* the describers (dd-teach-state.c): configurations, and a DdTeach's state —
 * restored into one freshly made from the same configuration and data */
void dd_train_config_visit (DdTrainConfig *cfg, DdState *st);
void dd_teach_config_visit (DdTeachConfig *cfg, DdState *st);
void dd_teach_visit_state  (DdTeach *teach, DdState *st);

G_END_DECLS
