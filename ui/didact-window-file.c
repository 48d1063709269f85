/* didact-window-file.c: session files in the window — save, save as, open,
 * recent files, autosave and recovery after a crash
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saving never blocks the window: the engine's worker copies the session
 * between two steps (dd_session_serialize) and the bytes are written
 * atomically, both in a thread of their own; one save runs at a time, and a
 * save asked for meanwhile follows it. Opening reads, checks and restores
 * the file and loads its data set in a thread; the session on screen stays
 * until the new one is ready, and stays if the file is refused.
 *
 * Autosave: every 30 s (DIDACT_AUTOSAVE_INTERVAL seconds, for tests) a
 * session that moved since the last one is saved to
 * $XDG_STATE_HOME/didact/autosave/PID-N.didact, beside a PID-N.lock file
 * the window holds an exclusive lock on (flock) while it lives. Closing the
 * window or leaving the session removes both. A file whose lock nobody
 * holds was left by a process that ended without closing — a crash or a
 * kill -9 — and the next start offers to restore it.
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-window-private.h"
#include "didact-application.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#define MIME_TYPE "application/x-didact-session"

typedef struct _SaveJob {
  DidactWindow *self;        /* a reference */
  DdSession    *session;     /* the window's; kept alive until the job is joined */
  char         *path;
  char         *tag;
  gboolean      autosave;
  gint64        mark;        /* the progress saved */
  GThread      *thread;
  GError       *error;
} SaveJob;

/* --- where autosaves go ------------------------------------------------------------- */

char *
didact_autosave_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "didact", "autosave", NULL);
}

/* the lock file beside an autosave: PID-N.lock for PID-N.didact */
static char *
lock_path (const char *autosave)
{
  g_autofree char *stem = g_strndup (autosave, strlen (autosave) - strlen (DD_SESSION_FILE_SUFFIX));
  return g_strconcat (stem, ".lock", NULL);
}

/* an exclusive lock on path (made if missing): the fd, or −1 if another holds it */
static int
take_lock (const char *path)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

char *
didact_find_orphaned_autosave (void)
{
  g_autofree char *dir = didact_autosave_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *best = NULL;
  gint64 best_time = 0;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      if (!g_str_has_suffix (name, DD_SESSION_FILE_SUFFIX))
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *lock = lock_path (path);
      int fd = take_lock (lock);
      if (fd < 0)
        continue;   /* a running window's */
      close (fd);
      GStatBuf st;
      if (g_stat (path, &st) == 0 && (best == NULL || (gint64) st.st_mtime > best_time))
        {
          g_free (best);
          best = g_strdup (path);
          best_time = st.st_mtime;
        }
    }
  return best;
}

/* removes an autosave and its lock file */
static void
remove_autosave (const char *path)
{
  g_autofree char *lock = lock_path (path);
  g_unlink (path);
  g_unlink (lock);
}

static guint
autosave_interval (void)
{
  const char *env = g_getenv ("DIDACT_AUTOSAVE_INTERVAL");
  guint64 v = env ? g_ascii_strtoull (env, NULL, 10) : 0;
  return v > 0 && v <= 3600 ? (guint) v : 30;
}

/* steps and edits so far: a session that did not move is not saved again */
static gint64
progress_mark (DdSession *session)
{
  DdSessionSnapshot snap;
  gint64 mark;

  dd_session_snapshot (session, &snap);
  mark = snap.n_journal * 1000003 + snap.n_branches;
  for (int b = 0; b < snap.n_branches; b++)
    mark = mark * 31 + snap.step[b];
  return mark;
}

/* a file saved or opened goes to the desktop's recent files (Open Recent reads them) */
static void
remember_recent (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  GtkRecentData recent = { .mime_type = (char *) MIME_TYPE, .app_name = (char *) "didact",
                           .app_exec = (char *) "didact %f" };

  if (uri)
    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &recent);
}

/* --- saving --------------------------------------------------------------------- */

static void start_save (DidactWindow *self, const char *path, gboolean autosave);

static void
save_finished (DidactWindow *self, SaveJob *job)
{
  if (job->autosave)
    {
      if (job->error == NULL)
        self->autosave_mark = job->mark;
      else
        g_message ("autosave to %s failed: %s", job->path, job->error->message);
      return;
    }
  if (job->error != NULL)
    {
      /* Translators: %s is the reason, e.g. "Permission denied" */
      g_autofree char *text = g_strdup_printf (_("The session could not be saved: %s"), job->error->message);
      _didact_window_toast (self, text);
      return;
    }
  g_free (self->file_path);
  self->file_path = g_strdup (job->path);
  _didact_window_update_file_title (self);
  remember_recent (job->path);
  g_autofree char *base = g_path_get_basename (job->path);
  /* Translators: %s is a file name */
  g_autofree char *text = g_strdup_printf (_("Saved “%s”"), base);
  _didact_window_toast (self, text);
}

static void
free_job (SaveJob *job)
{
  g_clear_error (&job->error);
  g_free (job->path);
  g_free (job->tag);
  g_object_unref (job->self);
  g_free (job);
}

/* the thread ended: join it, report, start what waited */
static gboolean
on_save_done (gpointer data)
{
  SaveJob *job = data;
  /* the job's reference may be the window's last: hold one to the end */
  g_autoptr(DidactWindow) self = g_object_ref (job->self);

  if (self->save_job != job)
    {
      free_job (job);   /* already joined by _didact_window_file_stop */
      return G_SOURCE_REMOVE;
    }
  g_thread_join (job->thread);
  self->save_job = NULL;
  save_finished (self, job);
  if (self->save_next && self->session)
    {
      g_autofree char *next = g_steal_pointer (&self->save_next);
      start_save (self, next, FALSE);
    }
  free_job (job);
  return G_SOURCE_REMOVE;
}

/* the engine's worker copies the session; this thread writes it */
static gpointer
save_thread (gpointer data)
{
  SaveJob *job = data;
  g_autoptr(GBytes) bytes = dd_session_serialize (job->session, job->tag, &job->error);

  if (bytes != NULL)
    dd_session_write_file (bytes, job->path, &job->error);
  g_idle_add (on_save_done, job);
  return NULL;
}

static void
start_save (DidactWindow *self, const char *path, gboolean autosave)
{
  if (self->session == NULL)
    return;
  if (self->save_job != NULL)
    {
      if (!autosave)
        {
          g_free (self->save_next);
          self->save_next = g_strdup (path);
        }
      return;
    }
  SaveJob *job = g_new0 (SaveJob, 1);
  job->self = g_object_ref (self);
  job->session = self->session;
  job->path = g_strdup (path);
  job->tag = g_strdup (self->preset ? self->preset->id : NULL);
  job->autosave = autosave;
  job->mark = progress_mark (self->session);
  self->save_job = job;
  job->thread = g_thread_new ("didact-save", save_thread, job);
}

void
didact_window_save_to (DidactWindow *self, const char *path)
{
  g_return_if_fail (DIDACT_IS_WINDOW (self));
  start_save (self, path, FALSE);
}

gboolean
didact_window_is_saving (DidactWindow *self)
{
  return self->save_job != NULL || self->save_next != NULL;
}

const char *
didact_window_get_file_path (DidactWindow *self)
{
  return self->file_path;
}

/* --- autosave --------------------------------------------------------------------- */

static gboolean
on_autosave (gpointer data)
{
  DidactWindow *self = data;

  if (self->session == NULL || self->save_job != NULL)
    return G_SOURCE_CONTINUE;
  /* nothing new since the last autosave, or since the session began or was
   * opened: a fresh preset or an untouched file loses nothing in a crash */
  if (progress_mark (self->session) == self->autosave_mark)
    return G_SOURCE_CONTINUE;
  if (self->autosave_path == NULL)
    {
      static int serial;
      g_autofree char *dir = didact_autosave_dir ();
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          g_message ("autosave: cannot make %s: %s", dir, g_strerror (errno));
          return G_SOURCE_CONTINUE;
        }
      g_autofree char *path = g_strdup_printf ("%s/%d-%d%s", dir, (int) getpid (), ++serial,
                                               DD_SESSION_FILE_SUFFIX);
      g_autofree char *lock = lock_path (path);
      self->autosave_lock = take_lock (lock);
      if (self->autosave_lock < 0)
        return G_SOURCE_CONTINUE;
      self->autosave_path = g_steal_pointer (&path);
    }
  start_save (self, self->autosave_path, TRUE);
  return G_SOURCE_CONTINUE;
}

void
_didact_window_file_start (DidactWindow *self)
{
  self->autosave_mark = self->session ? progress_mark (self->session) : 0;
  if (self->autosave_id == 0)
    self->autosave_id = g_timeout_add_seconds (autosave_interval (), on_autosave, self);
}

void
_didact_window_file_stop (DidactWindow *self)
{
  if (self->save_job != NULL)
    {
      /* the worker fails the copy it has not begun; the thread returns */
      dd_session_stop (self->save_job->session);
      g_thread_join (self->save_job->thread);
      self->save_job = NULL;   /* its idle callback frees it */
    }
  g_clear_pointer (&self->save_next, g_free);
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->autosave_path != NULL)
    {
      remove_autosave (self->autosave_path);
      g_clear_pointer (&self->autosave_path, g_free);
    }
  if (self->autosave_lock >= 0)
    {
      close (self->autosave_lock);
      self->autosave_lock = -1;
    }
}

/* --- opening ---------------------------------------------------------------------- */

typedef struct {
  char      *path;
  gboolean   recovered;   /* an autosave: removed once restored, no file name kept */
  GPtrArray *cached;      /* the data sets the application holds (DdData, borrowed) */
  DdData    *chosen;      /* the one of them the file names, if any */
  char      *dataset;     /* peeked */
  char      *tag;
  DdData    *loaded;      /* loaded here when not cached */
  DdSession *session;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_free (job->path);
  g_free (job->dataset);
  g_free (job->tag);
  g_ptr_array_unref (job->cached);
  dd_session_free (job->session);
  if (job->loaded)
    dd_data_free (job->loaded);
  g_free (job);
}

static void
open_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;
  DdSessionFileInfo info;
  char *contents;
  gsize size;

  if (!g_file_get_contents (job->path, &contents, &size, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_autoptr(GBytes) bytes = g_bytes_new_take (contents, size);
  if (!dd_session_bytes_peek (bytes, &info, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->dataset = g_strdup (info.dataset);
  job->tag = g_strdup (info.tag);
  dd_session_file_info_clear (&info);
  for (guint i = 0; i < job->cached->len; i++)
    if (g_strcmp0 (((DdData *) job->cached->pdata[i])->name, job->dataset) == 0)
      job->chosen = job->cached->pdata[i];
  const DdData *data = job->chosen;
  if (data == NULL)
    {
      job->loaded = dd_data_load (job->dataset, &error);
      if (job->loaded == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      data = job->loaded;
    }
  job->session = dd_session_open_bytes (bytes, data, &error);
  if (job->session == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* the preset a file was saved from, or the first on its data set */
static const DidactPreset *
preset_for (const char *tag, const char *dataset)
{
  const DidactPreset *p = tag ? didact_preset_lookup (tag) : NULL;
  guint n;
  const DidactPreset *all = didact_presets (&n);

  if (p != NULL && g_strcmp0 (p->dataset, dataset) == 0)
    return p;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (all[i].dataset, dataset) == 0)
      return &all[i];
  return &all[0];
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DidactWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  OpenJob *job = g_task_get_task_data (G_TASK (result));

  self->opening = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *base = g_path_get_basename (job->path);
      AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
        adw_message_dialog_new (GTK_WINDOW (self), NULL, error->message));
      /* Translators: %s is a file name */
      adw_message_dialog_format_heading (dialog, _("“%s” Could Not Be Opened"), base);
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  DidactApplication *app = DIDACT_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  DdData *data = job->chosen;
  if (job->loaded != NULL)
    {
      data = g_steal_pointer (&job->loaded);
      /* the application keeps it for other windows, unless it loaded the
       * same set meanwhile (sessions may use that one): then this window does */
      if (didact_application_lookup_data (app, job->dataset) == NULL)
        didact_application_store_data (app, job->dataset, data);
      else
        {
          g_autofree char *key = g_strdup_printf ("opened-data-%p", (void *) data);
          g_object_set_data_full (G_OBJECT (self), key, data, (GDestroyNotify) dd_data_free);
        }
    }
  DdSession *session = g_steal_pointer (&job->session);
  _didact_window_adopt_session (self, session, preset_for (job->tag, job->dataset), data,
                                job->recovered ? NULL : job->path);
  if (job->recovered)
    {
      remove_autosave (job->path);
      _didact_window_toast (self, _("The unsaved session was restored"));
    }
  else
    remember_recent (job->path);
}

static void
open_path (DidactWindow *self, const char *path, gboolean recovered)
{
  DidactApplication *app = DIDACT_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  OpenJob *job = g_new0 (OpenJob, 1);

  job->path = g_strdup (path);
  job->recovered = recovered;
  /* the thread picks the file's data set among those already loaded */
  job->cached = didact_application_list_data (app);
  self->opening = TRUE;
  GTask *task = g_task_new (NULL, NULL, on_opened, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  g_task_run_in_thread (task, open_in_thread);
  g_object_unref (task);
}

void
didact_window_open_file (DidactWindow *self, const char *path)
{
  g_return_if_fail (DIDACT_IS_WINDOW (self));
  open_path (self, path, FALSE);
}

gboolean
didact_window_is_opening (DidactWindow *self)
{
  return self->opening;
}

/* --- recovery ---------------------------------------------------------------------- */

static void
on_recovery_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  DidactWindow *self = user_data;
  g_autofree char *path = g_strdup (g_object_get_data (G_OBJECT (dialog), "path"));

  self->recovery = NULL;
  if (g_strcmp0 (response, "restore") == 0)
    open_path (self, path, TRUE);
  else
    remove_autosave (path);
}

void
didact_window_offer_recovery (DidactWindow *self, const char *path)
{
  DdSessionFileInfo info;
  g_autoptr(GError) error = NULL;

  if (!dd_session_file_peek (path, &info, &error))
    {
      g_message ("an autosave could not be read, and is left at %s: %s", path, error->message);
      return;
    }
  const DidactPreset *preset = preset_for (info.tag, info.dataset);
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (info.saved);
  g_autofree char *time = when ? g_date_time_format (when, "%X") : g_strdup ("?");
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (GTK_WINDOW (self), _("Restore the Unsaved Session?"), NULL));
  g_autofree char *step = g_strdup_printf ("%" G_GINT64_FORMAT, info.steps);
  /* Translators: %s are a preset's title, a step number and a time of day */
  adw_message_dialog_format_body (dialog,
                                  _("Didact did not close properly. The session “%s” was saved "
                                    "automatically at step %s, at %s."),
                                  _(preset->title), step, time);
  adw_message_dialog_add_responses (dialog, "discard", _("_Discard"), "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "restore");
  adw_message_dialog_set_close_response (dialog, "discard");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_recovery_response), self);
  self->recovery = dialog;
  dd_session_file_info_clear (&info);
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWidget *
didact_window_get_recovery_dialog (DidactWindow *self)
{
  return self->recovery ? GTK_WIDGET (self->recovery) : NULL;
}

/* --- the title ----------------------------------------------------------------------- */

void
_didact_window_update_file_title (DidactWindow *self)
{
  if (self->file_path != NULL)
    {
      g_autofree char *base = g_path_get_basename (self->file_path);
      adw_window_title_set_title (self->window_title, base);
    }
  else if (self->preset != NULL)
    adw_window_title_set_title (self->window_title, _(self->preset->title));
}

/* --- actions ------------------------------------------------------------------------ */

static void
add_filter (GtkFileChooser *chooser)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Didact sessions"));
  gtk_file_filter_add_mime_type (filter, MIME_TYPE);
  gtk_file_filter_add_suffix (filter, "didact");
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
on_save_chosen (GtkNativeDialog *native, int response, gpointer user_data)
{
  DidactWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      if (path && !g_str_has_suffix (path, DD_SESSION_FILE_SUFFIX))
        {
          char *with = g_strconcat (path, DD_SESSION_FILE_SUFFIX, NULL);
          g_free (path);
          path = with;
        }
      if (path)
        start_save (self, path, FALSE);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (self);
}

static void
action_save_as (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  GtkFileChooserNative *native =
    gtk_file_chooser_native_new (_("Save Session"), GTK_WINDOW (widget),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (native));
  if (self->file_path)
    {
      g_autoptr(GFile) file = g_file_new_for_path (self->file_path);
      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), file, NULL);
    }
  else
    {
      /* Translators: the suggested name of a new session file */
      g_autofree char *suggested = g_strdup_printf ("%s%s", _("Lesson"), DD_SESSION_FILE_SUFFIX);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested);
    }
  g_signal_connect (native, "response", G_CALLBACK (on_save_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
action_save (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  if (self->file_path)
    start_save (self, self->file_path, FALSE);
  else
    action_save_as (widget, name, param);
}

static void
on_open_chosen (GtkNativeDialog *native, int response, gpointer user_data)
{
  DidactWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      if (path)
        open_path (self, path, FALSE);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (self);
}

static void
action_open (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkFileChooserNative *native =
    gtk_file_chooser_native_new (_("Open Session"), GTK_WINDOW (widget),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (native));
  g_signal_connect (native, "response", G_CALLBACK (on_open_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
action_open_recent (GtkWidget *widget, const char *name, GVariant *param)
{
  g_autofree char *path = g_filename_from_uri (g_variant_get_string (param, NULL), NULL, NULL);

  if (path)
    open_path (DIDACT_WINDOW (widget), path, FALSE);
}

static int
newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);
  return g_date_time_compare (tb, ta);
}

/* the recent session files, newest first, in the Open Recent menu */
static void
fill_recent_menu (GtkRecentManager *manager, DidactWindow *self)
{
  GMenu *menu = self->recent_menu;
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  GList *ours = NULL;

  g_menu_remove_all (menu);
  for (GList *l = items; l; l = l->next)
    if (g_strcmp0 (gtk_recent_info_get_mime_type (l->data), MIME_TYPE) == 0 &&
        gtk_recent_info_exists (l->data))
      ours = g_list_prepend (ours, l->data);
  ours = g_list_sort (ours, newest_first);
  int n = 0;
  for (GList *l = ours; l && n < 8; l = l->next, n++)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *label = g_strdup (gtk_recent_info_get_display_name (info));
      GMenuItem *item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (gtk_recent_info_get_uri (info)));
      g_menu_append_item (menu, item);
      g_object_unref (item);
    }
  g_list_free (ours);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

void
_didact_window_file_init (DidactWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();

  self->autosave_lock = -1;
  fill_recent_menu (manager, self);
  g_signal_connect_object (manager, "changed", G_CALLBACK (fill_recent_menu), self, 0);
}

void
_didact_window_class_init_file (DidactWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.save", NULL, action_save);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, action_save_as);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", action_open_recent);
}
