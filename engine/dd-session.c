/* dd-session.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POSIX mutexes and condition variables rather than GMutex/GCond: GLib's
 * futex-based locks are invisible to ThreadSanitizer, which the suite runs
 * under (meson option tsan).
 *
 * Locks: `lock` guards the command queue, the state and the idle flag, with
 * `cond` for both directions; `publish_lock` guards only the published
 * record counts and is held for a few stores. DdTeach objects are touched by
 * the worker thread alone (and by dd_session_replay, which has no worker).
 */
#include "dd-private.h"
#include "dd-session.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-kernels.h"
#include "dd-net.h"
#include "dd-parallel.h"
#include "dd-student.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "dd-session-private.h"

void
session_stream_init (Stream *st, gsize rec_size, gsize n_floats)
{
  st->rec_size = rec_size;
  st->n_floats = n_floats;
  st->count = 0;
  st->chunks = g_new0 (guint8 *, MAX_CHUNKS);
  st->float_chunks = n_floats ? g_new0 (float *, MAX_CHUNKS) : NULL;
}

void
session_stream_clear (Stream *st)
{
  for (int c = 0; c < MAX_CHUNKS && st->chunks && st->chunks[c]; c++)
    {
      g_free (st->chunks[c]);
      if (st->float_chunks)
        g_free (st->float_chunks[c]);
    }
  g_clear_pointer (&st->chunks, g_free);
  g_clear_pointer (&st->float_chunks, g_free);
}

/* A new record (zeroed) and its floats; NULL when the stream is full. */
gpointer
session_stream_append (Stream *st, float **floats)
{
  gint64 i = st->count;
  gint64 c = i >> CHUNK_BITS;

  if (c >= MAX_CHUNKS)
    return NULL;
  if (st->chunks[c] == NULL)
    {
      st->chunks[c] = g_malloc0 (st->rec_size * CHUNK);
      if (st->float_chunks)
        st->float_chunks[c] = g_new0 (float, st->n_floats * CHUNK);
    }
  if (floats)
    *floats = st->float_chunks ? st->float_chunks[c] + (i & (CHUNK - 1)) * st->n_floats : NULL;
  st->count++;
  return st->chunks[c] + (i & (CHUNK - 1)) * st->rec_size;
}

gpointer
session_stream_get (const Stream *st, gint64 i)
{
  return st->chunks[i >> CHUNK_BITS] + (i & (CHUNK - 1)) * st->rec_size;
}

void
dd_session_config_init (DdSessionConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  dd_teach_config_init (&cfg->teach);
  cfg->teach.protocol = DD_PROTOCOL_CONTINUAL;
  cfg->teach.meta_iterations = 0;
  cfg->teach.pretrain_steps = 200;
  cfg->teach.dev_subsample = 2000;
  cfg->baseline = TRUE;
  cfg->test_subsample = 2000;
  cfg->phi_every = 0;
  cfg->bleu_subsample = 300;
  cfg->n_samples = 6;
}

/* --- branches ---------------------------------------------------------------- */

Branch *
session_branch_new (DdSession *s, DdTeach *teach, int parent, gint64 fork_step)
{
  Branch *br = g_new0 (Branch, 1);
  const int C = s->C;

  br->teach = teach;
  br->running = TRUE;
  br->parent = parent;
  br->fork_step = fork_step;
  br->pub_step = fork_step;
  br->step_every = 1;
  br->step_budget = STEP_BUDGET;
  br->phi_every = s->phi_every;
  br->phi_budget = PHI_BUDGET;
  dd_teach_set_cancel_flag (teach, &s->stop);
  session_stream_init (&br->steps, sizeof (DdStepRecord), 0);
  session_stream_init (&br->phi, sizeof (DdPhiRecord), dd_phi_n_values_for (s->shape, C));
  session_stream_init (&br->windows, sizeof (DdWindowRecord), 2 * (gsize) C);
  return br;
}

void
session_branch_free (Branch *br)
{
  if (br == NULL)
    return;
  dd_teach_free (br->teach);
  for (gint64 i = 0; i < br->windows.count; i++)
    g_strfreev (((DdWindowRecord *) session_stream_get (&br->windows, i))->hypotheses);
  session_stream_clear (&br->steps);
  session_stream_clear (&br->phi);
  session_stream_clear (&br->windows);
  g_free (br);
}

static DdTeach *
make_arm (const DdSessionConfig *cfg, const DdData *data, DdArmKind arm, GError **error)
{
  DdTeachConfig tc = cfg->teach;
  tc.arm = arm;
  return dd_teach_new (&tc, data, error);
}

/* appends what one step did to the branch's streams (worker only) */
/* Translation: greedy decodes of the first n_bleu dev sentences, their corpus
 * BLEU, and the first n_samples hypotheses kept for the samples view. */
static double
decode_dev (DdSession *s, DdTeach *teach, char ***samples)
{
  const DdParallel *p = s->data->parallel;
  DdBleuStats stats;
  char **hyps = NULL;

  dd_parallel_translate (dd_teach_get_student (teach)->s2s, p, &p->dev, s->n_bleu, 1,
                         &stats, &hyps);
  *samples = g_new0 (char *, s->n_samples + 1);
  for (int i = 0; i < s->n_samples && hyps[i]; i++)
    (*samples)[i] = g_strdup (hyps[i]);
  g_strfreev (hyps);
  return dd_bleu_score (&stats);
}

static void
record_step (DdSession *s, Branch *br, const DdStepReport *r)
{
  const int C = s->C;

  br->acc_loss += r->train_loss;
  br->acc_ce += r->train_ce;
  br->acc_err += r->batch_error;
  br->acc_n++;
  if (r->step % br->step_every == 0)
    {
      DdStepRecord *rec = session_stream_append (&br->steps, NULL);
      if (rec != NULL)
        {
          rec->step = r->step;
          rec->loss = (float) (br->acc_loss / br->acc_n);
          rec->ce = (float) (br->acc_ce / br->acc_n);
          rec->batch_error = (float) (br->acc_err / br->acc_n);
        }
      br->acc_loss = br->acc_ce = br->acc_err = 0;
      br->acc_n = 0;
      if (br->steps.count >= br->step_budget)
        {
          br->step_every *= 2;
          br->step_budget += STEP_BUDGET / 2;
        }
    }

  if (r->phi != NULL && (r->step % br->phi_every == 0 || r->kind == DD_STEP_WINDOW))
    {
      if (br->phi.count + 1 >= br->phi_budget)
        {
          br->phi_every *= 2;
          br->phi_budget += PHI_BUDGET / 2;
        }
      float *f;
      DdPhiRecord *p = session_stream_append (&br->phi, &f);
      if (p)
        {
          dd_phi_pack (r->phi, f);
          p->step = r->step;
          p->W = f;
          p->b = f + (gsize) s->R * s->C;
        }
    }

  if (r->kind == DD_STEP_WINDOW)
    {
      float *f;
      DdWindowRecord *w = session_stream_append (&br->windows, &f);
      if (w)
        {
          const DdEval *ev = dd_teach_get_last_eval (br->teach);
          w->step = r->step;
          w->meta_iteration = r->meta_iteration;
          w->window_loss = r->window_loss;
          w->dev_error = r->dev_error;
          w->dev_measure = r->dev_measure;
          w->teacher_grad_norm = r->teacher_grad_norm;
          w->verdict = r->verdict;
          w->step_length = r->step_length;
          w->holdout_before = r->holdout_before;
          w->holdout_after = r->holdout_after;
          w->holdout_se = r->holdout_se;
          w->took_shadow = r->took_shadow;
          w->shadow_gap = r->shadow_gap;
          w->shadow_se = r->shadow_se;
          w->test_error = NAN;
          w->bleu = NAN;
          if (s->n_test > 0)
            {
              dd_student_evaluate (dd_teach_get_student (br->teach), DD_SPLIT_TEST, s->n_test,
                                   s->eval);
              w->test_error = 1.0 - s->eval->accuracy;
            }
          if (s->data->parallel && s->n_bleu > 0)
            w->bleu = decode_dev (s, br->teach, &w->hypotheses);
          for (int c = 0; c < C; c++)
            {
              f[c] = (float) ev->class_margin[c];
              f[C + c] = (float) ev->class_accuracy[c];
            }
          w->class_margin = f;
          w->class_accuracy = f + C;
        }
    }
}

static void
publish (DdSession *s, Branch *br, gint64 step)
{
  pthread_mutex_lock (&s->publish_lock);
  br->pub_step = step;
  br->pub_steps = br->steps.count;
  br->pub_phi = br->phi.count;
  br->pub_windows = br->windows.count;
  pthread_mutex_unlock (&s->publish_lock);
}

static void
journal_append (DdSession *s, const DdEdit *e)
{
  DdEdit *j = session_stream_append (&s->journal, NULL);

  if (j == NULL)
    return;
  *j = *e;
  j->phi = e->phi ? dd_phi_copy (e->phi) : NULL;
  j->message = g_strdup (e->message);
  pthread_mutex_lock (&s->publish_lock);
  s->pub_journal = s->journal.count;
  if (e->kind == DD_EDIT_FAILURE)
    s->failures++;
  pthread_mutex_unlock (&s->publish_lock);
}

/* --- edits (worker, or replay) ------------------------------------------------- */

/* an edit of Φ carries a Φ of the session's shape */
static gboolean
phi_fits (const DdEdit *e, DdPhiShape shape, int R, int C, GError **error)
{
  if (e->kind != DD_EDIT_OVERRIDE_PHI && e->kind != DD_EDIT_SHIFT_TEACHER)
    return TRUE;
  if (e->phi == NULL)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, "an edit of Φ needs a Φ");
      return FALSE;
    }
  if (e->phi->shape != shape || e->phi->C != C || e->phi->R != R)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "the edited Φ has %d rows by %d columns; this session's has %d by %d",
                   e->phi->R, e->phi->C, R, C);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_edit (const DdSession *s, const DdEdit *e, GError **error)
{
  const int n_branches = s->n_branches;

  if (e->branch < 0 || e->branch >= n_branches)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "branch %d: there are %d branches", e->branch, n_branches);
      return FALSE;
    }
  return phi_fits (e, s->shape, s->R, s->C, error);
}

/* Applies e to teach; fills e->previous. */
static gboolean
apply_edit (DdTeach *teach, DdEdit *e, GError **error)
{
  const DdTeachConfig *cfg = dd_teach_get_config (teach);

  switch (e->kind)
    {
    case DD_EDIT_OVERRIDE_PHI:
      if (!dd_phi_is_finite (e->phi))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, "the edited Φ holds a NaN or Inf");
          return FALSE;
        }
      if (cfg->arm == DD_ARM_BASELINE_CE)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "the cross-entropy baseline has no loss coefficients to edit");
          return FALSE;
        }
      e->previous = dd_teach_get_override_left (teach);
      dd_teach_override_phi (teach, e->phi, e->n_steps);
      return TRUE;
    case DD_EDIT_SHIFT_TEACHER:
      if (!dd_phi_is_finite (e->phi))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, "the shift holds a NaN or Inf");
          return FALSE;
        }
      dd_teach_shift_teacher (teach, e->phi);
      return TRUE;
    case DD_EDIT_STUDENT_LR:
      e->previous = cfg->student.lr;
      return dd_teach_set_student_lr (teach, e->value, error);
    case DD_EDIT_TEACHER_LR:
      /* the trust step reads the value as its radius (dd_teach_set_teacher_lr) */
      e->previous = cfg->teacher_step == DD_TEACHER_STEP_TRUST ? cfg->trust_radius : cfg->teacher_lr;
      return dd_teach_set_teacher_lr (teach, e->value, error);
    case DD_EDIT_WINDOW:
      e->previous = dd_teach_get_window (teach);
      if (e->value != floor (e->value))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, "window %g: must be whole", e->value);
          return FALSE;
        }
      return dd_teach_set_window (teach, (int) CLAMP (e->value, -1, 1e6), error);
    case DD_EDIT_TEACHER_KIND:
      e->previous = cfg->teacher;
      return dd_teach_set_teacher_kind (teach, (DdTeacherKind) (int) e->value, error);
    case DD_EDIT_OBJECTIVE:
      e->previous = cfg->objective;
      return dd_teach_set_objective (teach, (DdObjective) (int) e->value, error);
    default:
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, "edit kind %d cannot be applied",
                   (int) e->kind);
      return FALSE;
    }
}

/* --- the worker --------------------------------------------------------------- */

/* Bytes of memory a new allocation can take without the kernel reclaiming
 * or killing: MemAvailable, less where a cgroup limit is nearer; 0 when
 * unknown. DIDACT_MEMORY_AVAILABLE_MB, when set, says it instead (to keep
 * headroom on a shared machine, and for tests). */
static guint64
memory_available (void)
{
  const char *env = g_getenv ("DIDACT_MEMORY_AVAILABLE_MB");
  if (env != NULL && *env)
    {
      guint64 mb;
      if (g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT64 >> 20, &mb, NULL))
        return mb << 20;
      g_warning ("DIDACT_MEMORY_AVAILABLE_MB=%s is not a number of MiB; ignored", env);
    }
  guint64 avail = 0;
  g_autofree char *meminfo = NULL;
  if (g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL))
    {
      const char *at = strstr (meminfo, "MemAvailable:");
      if (at != NULL)
        avail = g_ascii_strtoull (at + strlen ("MemAvailable:"), NULL, 10) << 10;
    }
  /* cgroup v2: this process's group's limit less its use */
  g_autofree char *max = NULL, *current = NULL;
  if (g_file_get_contents ("/sys/fs/cgroup/memory.max", &max, NULL, NULL) &&
      g_file_get_contents ("/sys/fs/cgroup/memory.current", &current, NULL, NULL) &&
      g_ascii_isdigit (max[0]))
    {
      guint64 limit = g_ascii_strtoull (max, NULL, 10), used = g_ascii_strtoull (current, NULL, 10);
      guint64 left = limit > used ? limit - used : 0;
      avail = avail ? MIN (avail, left) : left;
    }
  return avail;
}

/* A fork copies a branch: refused, with what it needs and what there is,
 * when the copy would not fit with a quarter to spare (the estimate runs
 * up to a fifth under what a translator really takes) */
static gboolean
fork_fits (const DdTeach *parent, GError **error)
{
  const guint64 need = dd_teach_footprint (parent);
  const guint64 avail = memory_available ();

  if (avail == 0 || need + need / 4 <= avail)
    return TRUE;
  g_autofree char *need_text = g_format_size_full (need, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *avail_text = g_format_size_full (avail, G_FORMAT_SIZE_IEC_UNITS);
  g_set_error (error, DD_ERROR, DD_ERROR_NO_MEMORY,
               "a new branch needs about %s of memory and %s are available: close other "
               "programs or branches, or save and continue on a larger machine",
               need_text, avail_text);
  return FALSE;
}

static void
execute (DdSession *s, Command *cmd)
{
  switch (cmd->kind)
    {
    case CMD_EDIT:
      {
        DdEdit e = cmd->edit;
        if (!check_edit (s, &e, &cmd->error))
          return;
        Branch *br = s->branches[e.branch];
        e.step = dd_teach_get_step (br->teach);
        if (apply_edit (br->teach, &e, &cmd->error))
          journal_append (s, &e);
      }
      break;
    case CMD_FORK:
      {
        if (cmd->branch < 0 || cmd->branch >= s->n_branches)
          {
            g_set_error (&cmd->error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                         "branch %d: there are %d branches", cmd->branch, s->n_branches);
            return;
          }
        if (s->n_branches == DD_SESSION_MAX_BRANCHES)
          {
            g_set_error (&cmd->error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                         "a session holds at most %d branches", DD_SESSION_MAX_BRANCHES);
            return;
          }
        Branch *parent = s->branches[cmd->branch];
        if (!fork_fits (parent->teach, &cmd->error))
          return;
        gint64 at = dd_teach_get_step (parent->teach);
        Branch *br = session_branch_new (s, dd_teach_copy (parent->teach), cmd->branch, at);
        int index = s->n_branches;
        s->branches[index] = br;
        s->n_branches++;
        pthread_mutex_lock (&s->publish_lock);
        s->pub_branches = s->n_branches;
        pthread_mutex_unlock (&s->publish_lock);
        DdEdit e = { .kind = DD_EDIT_FORK, .branch = cmd->branch, .step = at, .new_branch = index };
        journal_append (s, &e);
        cmd->new_branch = index;
      }
      break;
    case CMD_SET_RUNNING:
      if (cmd->branch >= 0 && cmd->branch < s->n_branches)
        s->branches[cmd->branch]->running = cmd->running;
      break;
    case CMD_SERIALIZE:
      cmd->bytes = session_serialize (s, cmd->tag, &cmd->error);
      break;
    case CMD_DUP_PARAMS:
      cmd->params = g_ptr_array_new_with_free_func (g_free);
      for (int b = 0; b < s->n_branches; b++)
        {
          DdStudent *st = dd_teach_get_student (s->branches[b]->teach);
          g_ptr_array_add (cmd->params, g_memdup2 (st->params, sizeof (dd_real) * st->P));
        }
      break;
    }
}

/* One student step of every running branch; FALSE when one failed. */
static gboolean
run_round (DdSession *s, gboolean single)
{
  for (int b = 0; b < s->n_branches; b++)
    {
      Branch *br = s->branches[b];
      g_autoptr(GError) error = NULL;
      DdStepReport r;

      if (g_atomic_int_get (&s->stop))
        return TRUE;
      if (!single && g_atomic_int_get (&s->state) != DD_SESSION_RUNNING)
        return TRUE; /* paused: before the next step */
      if (!br->running)
        continue;
      if (!dd_teach_step (br->teach, &r, &error))
        {
          if (g_error_matches (error, DD_ERROR, DD_ERROR_CANCELLED))
            return TRUE;
          g_autofree char *msg = g_strdup_printf ("branch %d: %s", b, error->message);
          DdEdit e = { .kind = DD_EDIT_FAILURE, .branch = b,
                       .step = dd_teach_get_step (br->teach), .message = msg };
          journal_append (s, &e);
          pthread_mutex_lock (&s->lock);
          g_free (s->error_message);
          s->error_message = g_strdup (msg);
          pthread_mutex_unlock (&s->lock);
          return FALSE;
        }
      record_step (s, br, &r);
      publish (s, br, r.step);
    }
  return TRUE;
}

static gboolean
has_work (DdSession *s)
{
  return !g_queue_is_empty (&s->queue) || s->step_requests > 0 ||
         g_atomic_int_get (&s->state) == DD_SESSION_RUNNING;
}

static gpointer
worker_main (gpointer data)
{
  DdSession *s = data;

  dd_set_threads (s->cfg.teach.student.threads);
  pthread_mutex_lock (&s->lock);
  for (;;)
    {
      while (!g_atomic_int_get (&s->stop) && !has_work (s))
        {
          s->idle = TRUE;
          pthread_cond_broadcast (&s->cond);
          pthread_cond_wait (&s->cond, &s->lock);
        }
      s->idle = FALSE;
      if (g_atomic_int_get (&s->stop))
        break;

      Command *cmd;
      while ((cmd = g_queue_pop_head (&s->queue)) != NULL)
        {
          pthread_mutex_unlock (&s->lock);
          execute (s, cmd);
          pthread_mutex_lock (&s->lock);
          cmd->done = TRUE;
          pthread_cond_broadcast (&s->cond);
        }

      gboolean single = g_atomic_int_get (&s->state) != DD_SESSION_RUNNING;
      if (single && s->step_requests == 0)
        continue;
      if (single)
        s->step_requests--;
      pthread_mutex_unlock (&s->lock);
      gboolean ok = run_round (s, single);
      pthread_mutex_lock (&s->lock);
      if (!ok)
        {
          g_atomic_int_set (&s->state, DD_SESSION_PAUSED);
          s->step_requests = 0;
        }
    }
  g_atomic_int_set (&s->state, DD_SESSION_STOPPED);
  /* fail whatever is still queued */
  Command *cmd;
  while ((cmd = g_queue_pop_head (&s->queue)) != NULL)
    {
      g_set_error (&cmd->error, DD_ERROR, DD_ERROR_CANCELLED, "the session has stopped");
      cmd->done = TRUE;
    }
  s->idle = TRUE;
  pthread_cond_broadcast (&s->cond);
  pthread_mutex_unlock (&s->lock);
  return NULL;
}

/* --- construction ------------------------------------------------------------- */

static gboolean
setup_branches (DdSession *s, GError **error)
{
  DdTeach *taught = make_arm (&s->cfg, s->run_data, DD_ARM_TAUGHT, error);
  if (taught == NULL)
    return FALSE;
  s->branches[s->n_branches++] = session_branch_new (s, taught, -1, 0);
  s->n_params = dd_teach_get_student (taught)->P;
  if (s->cfg.baseline)
    {
      DdTeach *ce = make_arm (&s->cfg, s->run_data, DD_ARM_BASELINE_CE, error);
      if (ce == NULL)
        return FALSE;
      s->branches[s->n_branches++] = session_branch_new (s, ce, -1, 0);
    }
  s->pub_branches = s->n_branches;
  return TRUE;
}

static DdPhiShape
phi_shape (const DdData *data, int *R, int *C)
{
  DdPhiShape shape = data->parallel ? DD_PHI_BUCKETS : DD_PHI_CLASSES;

  *C = data->parallel ? data->parallel->K : data->train->n_classes;
  *R = dd_phi_rows (shape, *C);
  return shape;
}

/* data with cfg's scenario applied (a new DdData in *owned), or data itself */
static const DdData *
scenario_data (const DdSessionConfig *cfg, const DdData *data, DdData **owned,
               DdScenarioStats *stats, GError **error)
{
  *owned = NULL;
  if (stats)
    memset (stats, 0, sizeof *stats);
  if (cfg->scenario.kind == DD_SCENARIO_NONE)
    return data;
  *owned = dd_data_with_scenario (data, &cfg->scenario, cfg->teach.student.seed, stats, error);
  return *owned;
}

DdSession *
session_alloc (const DdSessionConfig *cfg, const DdData *data, gboolean arms, GError **error)
{
  if (cfg->teach.protocol == DD_PROTOCOL_EPISODIC && cfg->baseline)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "a cross-entropy baseline arm runs beside a continual session only");
      return NULL;
    }
  if (cfg->test_subsample < 0 || cfg->phi_every < 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "test subsample and Φ sampling must not be negative");
      return NULL;
    }
  if (cfg->scenario.kind != DD_SCENARIO_NONE && !dd_scenario_check (&cfg->scenario, data, error))
    return NULL;
  DdSession *s = g_new0 (DdSession, 1);
  s->cfg = *cfg;
  s->data = data;
  s->shape = phi_shape (data, &s->R, &s->C);
  s->phi_every = cfg->phi_every > 0 ? cfg->phi_every : MAX (1, (cfg->teach.window + 19) / 20);
  s->n_test = cfg->test_subsample;
  if (data->parallel)
    {
      s->n_bleu = MIN (cfg->bleu_subsample, data->parallel->dev.n);
      s->n_samples = CLAMP (cfg->n_samples, 0, s->n_bleu);
    }
  s->eval = dd_eval_new (s->C);
  pthread_mutex_init (&s->lock, NULL);
  pthread_cond_init (&s->cond, NULL);
  pthread_mutex_init (&s->publish_lock, NULL);
  g_queue_init (&s->queue);
  session_stream_init (&s->journal, sizeof (DdEdit), 0);
  s->state = DD_SESSION_PAUSED;
  s->run_data = scenario_data (cfg, data, &s->scenario_data, &s->scenario_stats, error);
  if (s->run_data == NULL || (arms && !setup_branches (s, error)))
    {
      dd_session_free (s);
      return NULL;
    }
  return s;
}

DdSession *
dd_session_new (const DdSessionConfig *cfg, const DdData *data, GError **error)
{
  DdSession *s = session_alloc (cfg, data, TRUE, error);
  if (s == NULL)
    return NULL;
  session_start_worker (s);
  return s;
}

void
session_start_worker (DdSession *s)
{
  s->worker = g_thread_new ("didact-engine", worker_main, s);
}

void
dd_session_stop (DdSession *s)
{
  pthread_mutex_lock (&s->lock);
  g_atomic_int_set (&s->stop, 1);
  pthread_cond_broadcast (&s->cond);
  pthread_mutex_unlock (&s->lock);
  if (s->worker)
    g_clear_pointer (&s->worker, g_thread_join);
  g_atomic_int_set (&s->state, DD_SESSION_STOPPED);
}

void
dd_session_free (DdSession *s)
{
  if (s == NULL)
    return;
  dd_session_stop (s);
  for (int b = 0; b < s->n_branches; b++)
    session_branch_free (s->branches[b]);
  for (gint64 i = 0; i < s->journal.count; i++)
    {
      DdEdit *e = session_stream_get (&s->journal, i);
      dd_phi_free ((DdPhi *) e->phi);
      g_free ((gpointer) e->message);
    }
  session_stream_clear (&s->journal);
  dd_eval_free (s->eval);
  g_clear_pointer (&s->scenario_data, dd_data_free);
  g_free (s->error_message);
  g_free (s->fingerprint);
  pthread_mutex_destroy (&s->lock);
  pthread_cond_destroy (&s->cond);
  pthread_mutex_destroy (&s->publish_lock);
  g_free (s);
}

/* --- control ------------------------------------------------------------------ */

static void
set_state (DdSession *s, DdSessionState state)
{
  pthread_mutex_lock (&s->lock);
  if (g_atomic_int_get (&s->state) != DD_SESSION_STOPPED)
    g_atomic_int_set (&s->state, state);
  if (state == DD_SESSION_RUNNING)
    g_clear_pointer (&s->error_message, g_free);
  pthread_cond_broadcast (&s->cond);
  pthread_mutex_unlock (&s->lock);
}

void
dd_session_play (DdSession *s)
{
  set_state (s, DD_SESSION_RUNNING);
}

void
dd_session_pause (DdSession *s)
{
  set_state (s, DD_SESSION_PAUSED);
}

void
dd_session_step (DdSession *s)
{
  pthread_mutex_lock (&s->lock);
  if (g_atomic_int_get (&s->state) == DD_SESSION_PAUSED)
    {
      s->step_requests++;
      pthread_cond_broadcast (&s->cond);
    }
  pthread_mutex_unlock (&s->lock);
}

void
dd_session_wait_idle (DdSession *s)
{
  pthread_mutex_lock (&s->lock);
  while (s->worker != NULL && !g_atomic_int_get (&s->stop) && (!s->idle || has_work (s)))
    pthread_cond_wait (&s->cond, &s->lock);
  pthread_mutex_unlock (&s->lock);
}

/* queue a command and wait for the worker to execute it */
void
session_submit (DdSession *s, Command *cmd)
{
  pthread_mutex_lock (&s->lock);
  if (s->worker == NULL || g_atomic_int_get (&s->stop))
    {
      g_set_error (&cmd->error, DD_ERROR, DD_ERROR_CANCELLED, "the session has stopped");
      pthread_mutex_unlock (&s->lock);
      return;
    }
  g_queue_push_tail (&s->queue, cmd);
  pthread_cond_broadcast (&s->cond);
  while (!cmd->done)
    pthread_cond_wait (&s->cond, &s->lock);
  pthread_mutex_unlock (&s->lock);
}

gboolean
dd_session_edit (DdSession *s, const DdEdit *edit, GError **error)
{
  Command cmd = { .kind = CMD_EDIT, .edit = *edit };

  g_return_val_if_fail (edit->kind < DD_EDIT_FORK, FALSE);
  session_submit (s, &cmd);
  if (cmd.error)
    {
      g_propagate_error (error, cmd.error);
      return FALSE;
    }
  return TRUE;
}

int
dd_session_fork (DdSession *s, int branch, GError **error)
{
  Command cmd = { .kind = CMD_FORK, .branch = branch, .new_branch = -1 };

  session_submit (s, &cmd);
  if (cmd.error)
    {
      g_propagate_error (error, cmd.error);
      return -1;
    }
  return cmd.new_branch;
}

void
dd_session_set_branch_running (DdSession *s, int branch, gboolean running)
{
  Command cmd = { .kind = CMD_SET_RUNNING, .branch = branch, .running = running };
  session_submit (s, &cmd);
  g_clear_error (&cmd.error);
}

GPtrArray *
dd_session_dup_student_params (DdSession *s)
{
  Command cmd = { .kind = CMD_DUP_PARAMS };
  session_submit (s, &cmd);
  g_clear_error (&cmd.error);
  return cmd.params;
}

size_t
dd_session_n_student_params (DdSession *s)
{
  return s->n_params;
}

/* --- reading ------------------------------------------------------------------- */

void
dd_session_snapshot (DdSession *s, DdSessionSnapshot *out)
{
  memset (out, 0, sizeof *out);
  out->state = g_atomic_int_get (&s->state);
  pthread_mutex_lock (&s->publish_lock);
  out->n_branches = s->pub_branches;
  for (int b = 0; b < out->n_branches; b++)
    {
      out->n_steps[b] = s->branches[b]->pub_steps;
      out->step[b] = s->branches[b]->pub_step;
      out->n_phi[b] = s->branches[b]->pub_phi;
      out->n_windows[b] = s->branches[b]->pub_windows;
    }
  out->n_journal = s->pub_journal;
  out->failures = s->failures;
  pthread_mutex_unlock (&s->publish_lock);
}

const DdStepRecord *
dd_session_step_record (DdSession *s, int branch, gint64 i)
{
  return session_stream_get (&s->branches[branch]->steps, i);
}

const DdPhiRecord *
dd_session_phi_record (DdSession *s, int branch, gint64 i)
{
  return session_stream_get (&s->branches[branch]->phi, i);
}

const DdWindowRecord *
dd_session_window_record (DdSession *s, int branch, gint64 i)
{
  return session_stream_get (&s->branches[branch]->windows, i);
}

const DdEdit *
dd_session_journal_entry (DdSession *s, gint64 i)
{
  return session_stream_get (&s->journal, i);
}

void
dd_session_branch_origin (DdSession *s, int branch, int *parent, gint64 *fork_step)
{
  /* set once when the branch is made, before it is published */
  *parent = s->branches[branch]->parent;
  *fork_step = s->branches[branch]->fork_step;
}

int
dd_session_n_classes (DdSession *s)
{
  return s->C;
}

const char *
dd_session_class_name (DdSession *s, int c)
{
  g_return_val_if_fail (c >= 0 && c < s->C, NULL);
  if (s->data->parallel != NULL)
    return s->data->parallel->bucket_names[c];
  return s->data->train->class_names[c];
}

DdPhiShape
dd_session_phi_shape (DdSession *s)
{
  return s->shape;
}

int
dd_session_phi_rows (DdSession *s)
{
  return s->R;
}

int
dd_session_scale_row (DdSession *s)
{
  return dd_phi_scale_row (s->shape, s->C);
}

DdPhi *
dd_session_initial_phi (DdSession *s)
{
  /* what dd_teach_initial_phi gives every arm of this configuration; the
   * configuration is immutable, so no branch (worker-owned) is touched */
  return dd_phi_new_initial (s->shape, &s->cfg.teach.start, s->C);
}

int
dd_session_n_samples (DdSession *s)
{
  return s->n_samples;
}

void
dd_session_sample (DdSession *s, int i, const char **source, const char **reference)
{
  const DdParallelSet *dev = &s->data->parallel->dev;

  g_return_if_fail (i >= 0 && i < s->n_samples);
  *source = dev->src_text[i];
  *reference = dev->ref_text[i];
}

const DdData *
dd_session_get_data (DdSession *s)
{
  return s->data;
}

const DdData *
dd_session_get_run_data (DdSession *s)
{
  return s->run_data;
}

char *
dd_session_describe_scenario (DdSession *s)
{
  if (s->cfg.scenario.kind == DD_SCENARIO_NONE)
    return NULL;
  return dd_scenario_describe (&s->cfg.scenario, &s->scenario_stats);
}

const DdSessionConfig *
dd_session_get_config (DdSession *s)
{
  return &s->cfg;
}

char *
dd_session_dup_error (DdSession *s)
{
  pthread_mutex_lock (&s->lock);
  char *msg = g_strdup (s->error_message);
  pthread_mutex_unlock (&s->lock);
  return msg;
}

/* --- replay -------------------------------------------------------------------- */

static gboolean
advance (DdTeach *teach, gint64 until, int b, GError **error)
{
  while (dd_teach_get_step (teach) < until)
    if (!dd_teach_step (teach, NULL, error))
      {
        g_prefix_error (error, "replay, branch %d: ", b);
        return FALSE;
      }
  return TRUE;
}

GPtrArray *
dd_session_replay (const DdSessionConfig *cfg, const DdData *data,
                   const DdEdit *journal, gint64 n, const gint64 *steps,
                   int n_branches, GError **error)
{
  /* declared first, so freed last: the arms borrow it */
  g_autoptr(DdData) owned = NULL;
  g_autoptr(GPtrArray) teaches = NULL;
  DdTeach *t;
  int R, C;

  const DdPhiShape shape = phi_shape (data, &R, &C);
  if ((data = scenario_data (cfg, data, &owned, NULL, error)) == NULL)
    return NULL;
  teaches = g_ptr_array_new_with_free_func ((GDestroyNotify) dd_teach_free);
  if (!(t = make_arm (cfg, data, DD_ARM_TAUGHT, error)))
    return NULL;
  g_ptr_array_add (teaches, t);
  if (cfg->baseline)
    {
      if (!(t = make_arm (cfg, data, DD_ARM_BASELINE_CE, error)))
        return NULL;
      g_ptr_array_add (teaches, t);
    }

  for (gint64 i = 0; i < n; i++)
    {
      DdEdit e = journal[i];
      if (e.branch < 0 || e.branch >= (int) teaches->len)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "journal entry %" G_GINT64_FORMAT ": branch %d does not exist", i, e.branch);
          return NULL;
        }
      DdTeach *teach = teaches->pdata[e.branch];
      if (!advance (teach, e.step, e.branch, error))
        return NULL;
      if (e.kind == DD_EDIT_FAILURE)
        continue;
      if (e.kind == DD_EDIT_FORK)
        {
          g_ptr_array_add (teaches, dd_teach_copy (teach));
          continue;
        }
      if (!phi_fits (&e, shape, R, C, error) || !apply_edit (teach, &e, error))
        return NULL;
    }

  GPtrArray *params = g_ptr_array_new_with_free_func (g_free);
  for (int b = 0; b < n_branches && b < (int) teaches->len; b++)
    {
      DdTeach *teach = teaches->pdata[b];
      if (!advance (teach, steps[b], b, error))
        {
          g_ptr_array_unref (params);
          return NULL;
        }
      DdStudent *st = dd_teach_get_student (teach);
      g_ptr_array_add (params, g_memdup2 (st->params, sizeof (dd_real) * st->P));
    }
  return params;
}
