/* test-samples-view.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The translation samples view: the words it marks as changed against
 * counts worked out by hand and against a plain longest-common-subsequence
 * table on random word strings, the markup it shows (escaped, parsed back
 * by Pango, its highlighted words exactly the changed ones), BLEU and the
 * empty state, arms that come and go, the style following dark mode, and
 * the view drawn in a window under Xvfb. Set DIDACT_SAMPLES_SAVE_DIR to keep
 * PNGs of the window (light and dark) for looking at.
 */
#include "didact-samples-view.h"
#include "test-render.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#define WIDTH 900
#define HEIGHT 600

static const char *const sources[] = {
  "Ich habe keine Zeit.",
  "Das Haus ist sehr groß.",
  "Wir fahren morgen nach Berlin.",
  "Kannst du mir bitte helfen?",
};
static const char *const references[] = {
  "I have no time.",
  "The house is very big.",
  "We are driving to Berlin tomorrow.",
  "Can you help me, please?",
};
static const char *const arm_names[] = { "L2T-DLF", "Cross-entropy", "Fork 1" };
static const GdkRGBA arm_colors[] = {
  { 0.90f, 0.10f, 0.60f, 1.f },   /* magenta */
  { 0.10f, 0.70f, 0.20f, 1.f },   /* green */
  { 0.10f, 0.45f, 0.95f, 1.f },   /* blue */
};

static DidactSamplesView *
make_view (guint n_sentences,
           guint n_arms)
{
  DidactSamplesView *view = DIDACT_SAMPLES_VIEW (didact_samples_view_new ());

  g_object_ref_sink (view);
  didact_samples_view_set_sentences (view, n_sentences, sources, references);
  didact_samples_view_set_arms (view, n_arms, arm_names, arm_colors);
  return view;
}

/* ------------------------------------------------------------------------
 * Markup
 */

/* Parses the markup back; returns the words and, per word, whether a
 * background attribute covers it. */
static char **
parse_highlighted (const char *markup,
                   GArray    **highlighted)
{
  g_autoptr(GError) error = NULL;
  PangoAttrList *attrs = NULL;
  char *text = NULL;
  char **words;
  const char *p;

  g_assert_true (pango_parse_markup (markup, -1, 0, &attrs, &text, NULL, &error));
  g_assert_no_error (error);

  *highlighted = g_array_new (FALSE, TRUE, sizeof (gboolean));
  words = g_strsplit (text, " ", -1);
  if (text[0] == '\0')
    g_clear_pointer (&words[0], g_free);   /* no words at all */
  p = text;
  for (guint i = 0; words[i] != NULL; i++)
    {
      guint start = p - text;
      gboolean lit = FALSE;
      PangoAttrIterator *it = pango_attr_list_get_iterator (attrs);

      g_assert_cmpuint (strlen (words[i]), >, 0);
      do
        {
          int s, e;

          pango_attr_iterator_range (it, &s, &e);
          if ((guint) s <= start && start < (guint) e &&
              pango_attr_iterator_get (it, PANGO_ATTR_BACKGROUND) != NULL)
            lit = TRUE;
        }
      while (pango_attr_iterator_next (it));
      pango_attr_iterator_destroy (it);
      g_array_append_val (*highlighted, lit);
      p += strlen (words[i]) + 1;
    }
  pango_attr_list_unref (attrs);
  g_free (text);
  return words;
}

/* The plain text shown, and how many of its words are highlighted. */
static guint
count_highlighted (const char  *markup,
                   char       **plain)
{
  g_autoptr(GArray) lit = NULL;
  g_auto(GStrv) words = parse_highlighted (markup, &lit);
  guint n = 0;

  for (guint i = 0; i < lit->len; i++)
    n += g_array_index (lit, gboolean, i);
  if (plain != NULL)
    *plain = g_strjoinv (" ", words);
  return n;
}

/* Sets @before then @after for (sentence, arm) and checks the count of
 * changed words, that exactly that many words are highlighted, and that
 * the markup shows @after's words. */
static void
check_change (DidactSamplesView *view,
              guint              sentence,
              guint              arm,
              const char        *before,
              const char        *after,
              guint              expected)
{
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;
  g_auto(GStrv) words = g_strsplit_set (after, " \t\n", -1);
  g_autofree char *joined = NULL;
  GPtrArray *kept = g_ptr_array_new ();

  didact_samples_view_set_hypothesis (view, sentence, arm, before, 50);
  didact_samples_view_set_hypothesis (view, sentence, arm, after, 50);
  g_assert_cmpuint (didact_samples_view_get_n_changed (view, sentence, arm), ==, expected);

  markup = didact_samples_view_dup_hypothesis_markup (view, sentence, arm);
  g_assert_nonnull (markup);
  g_assert_cmpuint (count_highlighted (markup, &plain), ==, expected);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  joined = g_strjoinv (" ", (char **) kept->pdata);
  g_ptr_array_free (kept, TRUE);
  g_assert_cmpstr (plain, ==, joined);
}

static void
test_changed_by_hand (void)
{
  g_autoptr(DidactSamplesView) view = make_view (3, 2);
  g_autofree char *markup = NULL;

  /* the first hypothesis of a pair has nothing highlighted */
  didact_samples_view_set_hypothesis (view, 0, 0, "i have not time .", 12.5);
  g_assert_cmpuint (didact_samples_view_get_n_changed (view, 0, 0), ==, 0);
  markup = didact_samples_view_dup_hypothesis_markup (view, 0, 0);
  g_assert_cmpstr (markup, ==, "i have not time .");
  g_clear_pointer (&markup, g_free);

  didact_samples_view_set_hypothesis (view, 0, 0, "i have no time .", 100);
  g_assert_cmpuint (didact_samples_view_get_n_changed (view, 0, 0), ==, 1);
  markup = didact_samples_view_dup_hypothesis_markup (view, 0, 0);
  g_assert_nonnull (strstr (markup, ">no</span> time ."));
  g_assert_true (g_str_has_prefix (markup, "i have <span"));
  g_clear_pointer (&markup, g_free);

  /* the same text again: nothing changed */
  didact_samples_view_set_hypothesis (view, 0, 0, "i have no time .", 100);
  g_assert_cmpuint (didact_samples_view_get_n_changed (view, 0, 0), ==, 0);

  /* other pairs are untouched, and have no hypothesis yet */
  g_assert_null (didact_samples_view_dup_hypothesis_markup (view, 0, 1));
  g_assert_null (didact_samples_view_dup_hypothesis_markup (view, 1, 0));
  g_assert_cmpuint (didact_samples_view_get_n_changed (view, 1, 0), ==, 0);

  /* substitution in the middle */
  check_change (view, 1, 0, "a b c d e f", "a x c y e f", 2);
  /* empty strings, either way */
  check_change (view, 1, 1, "", "a b c", 3);
  check_change (view, 1, 1, "a b c", "", 0);
  check_change (view, 1, 1, "", "", 0);
  check_change (view, 1, 1, "   ", "\t", 0);
  /* white space is not a change */
  check_change (view, 2, 0, "a  b\tc", " a b c ", 0);
  /* repeated words: the LCS of "the cat the cat" with "the the cat" is 3 */
  check_change (view, 2, 0, "the the cat", "the cat the cat", 1);
  check_change (view, 2, 0, "a b a b", "b a b a", 1);
  check_change (view, 2, 0, "the the the", "the", 0);
  check_change (view, 2, 0, "the", "the the the", 2);
  check_change (view, 2, 0, "x y z", "z y x", 2);
  check_change (view, 2, 1, "a b c", "d e f g", 4);
  /* case matters: words are compared as written */
  check_change (view, 2, 1, "The house", "the house", 1);
  /* a run of changed words is one highlight, spaces and all */
  check_change (view, 2, 1, "we go to berlin", "we drive tomorrow to berlin", 2);
  markup = didact_samples_view_dup_hypothesis_markup (view, 2, 1);
  g_assert_nonnull (strstr (markup, ">drive tomorrow</span> to berlin"));
  g_clear_pointer (&markup, g_free);
}

static void
test_markup_escaped (void)
{
  g_autoptr(DidactSamplesView) view = make_view (3, 2);
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;

  check_change (view, 0, 1, "<b> & 'x'", "<b> & 'y' \"z\" </span>", 3);
  markup = didact_samples_view_dup_hypothesis_markup (view, 0, 1);
  g_test_message ("markup: %s", markup);
  g_assert_true (g_str_has_prefix (markup, "&lt;b&gt; &amp; <span"));
  g_assert_null (strstr (markup, "<b>"));
  g_assert_nonnull (strstr (markup, "&lt;/span&gt;"));
  /* Pango reads back exactly the words, with 3 highlighted */
  g_assert_cmpuint (count_highlighted (markup, &plain), ==, 3);
  g_assert_cmpstr (plain, ==, "<b> & 'y' \"z\" </span>");

  /* a first hypothesis with markup characters and nothing highlighted */
  didact_samples_view_set_hypothesis (view, 1, 0, "a<b & c>d", NAN);
  g_clear_pointer (&markup, g_free);
  markup = didact_samples_view_dup_hypothesis_markup (view, 1, 0);
  g_assert_cmpstr (markup, ==, "a&lt;b &amp; c&gt;d");

  /* UTF-8 words */
  check_change (view, 2, 0, "das haus ist groß", "das haus ist sehr groß", 1);
}

/* An independent count: n − the length of a longest common subsequence,
 * by the textbook table over the whole strings. */
static guint
reference_changed (char **now,
                   guint  n,
                   char **before,
                   guint  m)
{
  g_autofree guint *t = g_new0 (guint, (gsize) (n + 1) * (m + 1));

  for (guint i = 1; i <= n; i++)
    for (guint j = 1; j <= m; j++)
      t[i * (m + 1) + j] = strcmp (now[i - 1], before[j - 1]) == 0
                           ? t[(i - 1) * (m + 1) + j - 1] + 1
                           : MAX (t[(i - 1) * (m + 1) + j], t[i * (m + 1) + j - 1]);
  return n - t[n * (m + 1) + m];
}

static char **
random_words (GRand *rand,
              guint *n)
{
  static const char *const vocab[] = { "the", "a", "cat", "sat", "on", "mat", "." };
  char **words;

  *n = g_rand_int_range (rand, 0, 13);
  words = g_new0 (char *, *n + 1);
  for (guint i = 0; i < *n; i++)
    words[i] = g_strdup (vocab[g_rand_int_range (rand, 0, G_N_ELEMENTS (vocab))]);
  return words;
}

static void
test_changed_random (void)
{
  g_autoptr(DidactSamplesView) view = make_view (1, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);

  for (int trial = 0; trial < 2000; trial++)
    {
      guint n, m;
      g_auto(GStrv) before = random_words (rand, &m);
      g_auto(GStrv) now = random_words (rand, &n);
      g_autofree char *b = g_strjoinv (" ", before);
      g_autofree char *a = g_strjoinv (" ", now);
      guint expected = reference_changed (now, n, before, m);

      check_change (view, 0, 0, b, a, expected);
    }
}

/* ------------------------------------------------------------------------
 * BLEU, arms, the empty state
 */

static void
test_bleu (void)
{
  g_autoptr(DidactSamplesView) view = make_view (3, 2);
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;

  didact_samples_view_set_hypothesis (view, 0, 0, "i have no time .", 23.44);
  text = didact_samples_view_dup_bleu_text (view, 0, 0);
  g_assert_cmpstr (text, ==, "BLEU 23.4");
  label = didact_samples_view_dup_row_label (view, 0, 0);
  g_assert_cmpstr (label, ==, "L2T-DLF: i have no time ., BLEU 23.4");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&label, g_free);

  didact_samples_view_set_hypothesis (view, 0, 0, "i have no time .", NAN);
  g_assert_null (didact_samples_view_dup_bleu_text (view, 0, 0));
  label = didact_samples_view_dup_row_label (view, 0, 0);
  g_assert_cmpstr (label, ==, "L2T-DLF: i have no time .");
  g_clear_pointer (&label, g_free);

  didact_samples_view_set_hypothesis (view, 0, 0, "i have no time .", 100);
  text = didact_samples_view_dup_bleu_text (view, 0, 0);
  g_assert_cmpstr (text, ==, "BLEU 100.0");
  g_clear_pointer (&text, g_free);
  didact_samples_view_set_hypothesis (view, 0, 0, "i have no time .", 0);
  text = didact_samples_view_dup_bleu_text (view, 0, 0);
  g_assert_cmpstr (text, ==, "BLEU 0.0");
}

static void
test_empty (void)
{
  g_autoptr(DidactSamplesView) view = DIDACT_SAMPLES_VIEW (g_object_ref_sink (didact_samples_view_new ()));

  g_assert_true (didact_samples_view_get_empty (view));
  g_assert_cmpint (didact_samples_view_get_step (view), <, 0);
  didact_samples_view_set_sentences (view, 3, sources, references);
  didact_samples_view_set_arms (view, 2, arm_names, arm_colors);
  g_assert_cmpuint (didact_samples_view_get_n_sentences (view), ==, 3);
  g_assert_cmpuint (didact_samples_view_get_n_arms (view), ==, 2);
  g_assert_true (didact_samples_view_get_empty (view));

  didact_samples_view_set_hypothesis (view, 2, 1, "can you help me ?", 40);
  g_assert_false (didact_samples_view_get_empty (view));

  /* new sentences clear the hypotheses */
  didact_samples_view_set_sentences (view, 3, sources, references);
  g_assert_true (didact_samples_view_get_empty (view));
  g_assert_null (didact_samples_view_dup_hypothesis_markup (view, 2, 1));

  /* dropping the only arm with a hypothesis empties the view again */
  didact_samples_view_set_hypothesis (view, 0, 1, "i have no time .", 40);
  g_assert_false (didact_samples_view_get_empty (view));
  didact_samples_view_set_arms (view, 1, arm_names, arm_colors);
  g_assert_true (didact_samples_view_get_empty (view));
}

static void
test_arms (void)
{
  static const char *const renamed[] = { "Teacher", "Baseline", "Fork 2" };
  g_autoptr(DidactSamplesView) view = make_view (3, 2);
  g_autofree char *label = NULL;
  g_autofree char *markup = NULL;

  didact_samples_view_set_hypothesis (view, 1, 0, "the house is big .", 30);
  didact_samples_view_set_hypothesis (view, 1, 1, "the home is big .", 20);

  /* a third arm: the first two keep their hypotheses */
  didact_samples_view_set_arms (view, 3, renamed, arm_colors);
  g_assert_cmpuint (didact_samples_view_get_n_arms (view), ==, 3);
  markup = didact_samples_view_dup_hypothesis_markup (view, 1, 1);
  g_assert_cmpstr (markup, ==, "the home is big .");
  g_assert_null (didact_samples_view_dup_hypothesis_markup (view, 1, 2));
  /* renamed in the accessible label too */
  label = didact_samples_view_dup_row_label (view, 1, 0);
  g_assert_cmpstr (label, ==, "Teacher: the house is big ., BLEU 30.0");
  g_clear_pointer (&label, g_free);

  /* the next hypothesis still compares with the kept one */
  didact_samples_view_set_hypothesis (view, 1, 1, "the house is big .", 100);
  g_assert_cmpuint (didact_samples_view_get_n_changed (view, 1, 1), ==, 1);

  /* back to one arm, then two: the second starts afresh */
  didact_samples_view_set_arms (view, 1, renamed, NULL);
  didact_samples_view_set_arms (view, 2, renamed, arm_colors);
  g_assert_null (didact_samples_view_dup_hypothesis_markup (view, 1, 1));
  didact_samples_view_set_hypothesis (view, 1, 1, "the house is big .", 100);
  g_assert_cmpuint (didact_samples_view_get_n_changed (view, 1, 1), ==, 0);
  g_clear_pointer (&markup, g_free);
  markup = didact_samples_view_dup_hypothesis_markup (view, 1, 0);
  g_assert_cmpstr (markup, ==, "the house is big .");
}

/* ------------------------------------------------------------------------
 * In a window
 */

/* Waits for the next painted frame of @widget's window and renders @widget
 * as the window showed it. */
static GdkTexture *
screenshot (GtkWidget *widget)
{
  return test_render_next_frame (widget);
}

static guchar *
pixels (GdkTexture *texture,
        int        *w,
        int        *h)
{
  guchar *data;

  *w = gdk_texture_get_width (texture);
  *h = gdk_texture_get_height (texture);
  data = g_malloc ((gsize) *w * *h * 4);
  gdk_texture_download (texture, data, *w * 4);   /* B G R A, premultiplied */
  return data;
}

static guint
count_near (const guchar  *data,
            int            w,
            int            h,
            const GdkRGBA *c,
            int            tolerance)
{
  guint n = 0;

  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      const guchar *p = data + 4 * i;

      n += p[3] == 255 &&
           abs (p[2] - (int) round (c->red * 255)) <= tolerance &&
           abs (p[1] - (int) round (c->green * 255)) <= tolerance &&
           abs (p[0] - (int) round (c->blue * 255)) <= tolerance;
    }
  return n;
}

/* Pixels the widget drew (it has no background of its own). */
static guint
count_drawn (const guchar *data,
             int           w,
             int           h)
{
  guint n = 0;

  for (gsize i = 0; i < (gsize) w * h; i++)
    n += data[4 * i + 3] > 0;
  return n;
}

static void
maybe_save (GtkWidget  *window,
            const char *name)
{
  const char *dir = g_getenv ("DIDACT_SAMPLES_SAVE_DIR");
  g_autofree char *path = NULL;
  GdkTexture *texture;

  if (dir == NULL || dir[0] == '\0')
    return;
  path = g_strdup_printf ("%s/samples-%s.png", dir, name);
  texture = screenshot (window);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_object_unref (texture);
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static void
fill (DidactSamplesView *view)
{
  static const char *const first[4][3] = {
    { "i have not time .", "i have no time", "i has no time ." },
    { "the house is very large .", "the house is big .", "house is very big ." },
    { "we drive to berlin .", "we go tomorrow to berlin .", "we are driving to berlin tomorrow ." },
    { "can you help me ?", "you can help me please ?", "can you me help , please ?" },
  };
  static const char *const second[4][3] = {
    { "i have no time .", "i have no time .", "i have no time ." },
    { "the house is very big .", "the house is big .", "the house is very big ." },
    { "we are driving to berlin tomorrow .", "we drive tomorrow to berlin .", "we are driving to berlin tomorrow ." },
    { "can you help me , please ?", "can you help me please ?", "can you help me , please ?" },
  };
  static const double bleu[4][3] = {
    { 100, 59.5, 100 }, { 100, 48.9, 100 }, { 64.3, 22.1, 64.3 }, { 100, 61.0, NAN },
  };

  didact_samples_view_set_sentences (view, 4, sources, references);
  didact_samples_view_set_arms (view, 3, arm_names, arm_colors);
  for (guint i = 0; i < 4; i++)
    for (guint a = 0; a < 3; a++)
      didact_samples_view_set_hypothesis (view, i, a, first[i][a], bleu[i][a] / 2);
  for (guint i = 0; i < 4; i++)
    for (guint a = 0; a < 3; a++)
      didact_samples_view_set_hypothesis (view, i, a, second[i][a], bleu[i][a]);
  didact_samples_view_set_step (view, 1200);
}

static void
test_window (void)
{
  AdwStyleManager *styles = adw_style_manager_get_default ();
  GtkWidget *view = didact_samples_view_new ();
  GtkWidget *window = gtk_window_new ();
  g_autofree guchar *empty_data = NULL, *data = NULL, *dark_data = NULL;
  g_autofree char *light_markup = NULL, *dark_markup = NULL;
  GdkTexture *texture;
  int w, h;
  guint drawn_empty, drawn, n_colors[3];

  adw_style_manager_set_color_scheme (styles, ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < 2000 && gtk_widget_get_width (view) == 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpint (gtk_widget_get_width (view), >, 0);
  g_assert_true (gtk_widget_get_realized (view));

  /* the empty state draws something, and says what to do */
  texture = screenshot (view);
  empty_data = pixels (texture, &w, &h);
  g_object_unref (texture);
  drawn_empty = count_drawn (empty_data, w, h);
  g_test_message ("empty: %u of %d pixels drawn", drawn_empty, w * h);
  g_assert_cmpuint (drawn_empty, >, 0);
  g_assert_true (has_label (view, "Press Play to start training"));
  maybe_save (window, "empty");

  fill (DIDACT_SAMPLES_VIEW (view));
  texture = screenshot (view);
  data = pixels (texture, &w, &h);
  g_object_unref (texture);
  drawn = count_drawn (data, w, h);
  g_test_message ("samples: %u of %d pixels drawn", drawn, w * h);
  /* the cards cover most of the view */
  g_assert_cmpuint (drawn, >, (guint) (w * h) / 3);
  g_assert_false (has_label (view, "Press Play to start training"));

  /* every arm's name is shown, beside a swatch of its colour */
  for (guint a = 0; a < 3; a++)
    {
      n_colors[a] = count_near (data, w, h, &arm_colors[a], 6);
      g_test_message ("arm %u: %u pixels of its colour", a, n_colors[a]);
      g_assert_true (has_label (view, arm_names[a]));
      g_assert_cmpuint (n_colors[a], >=, 40);   /* at least one 10 px disc */
    }
  g_assert_true (has_label (view, "Decoded at step 1200"));
  g_assert_true (has_label (view, "BLEU 64.3"));
  g_assert_true (has_label (view, sources[2]));
  g_assert_true (has_label (view, references[2]));
  g_assert_true (has_label (view, "we are driving to berlin tomorrow ."));
  /* NaN shows no BLEU */
  g_assert_null (didact_samples_view_dup_bleu_text (DIDACT_SAMPLES_VIEW (view), 3, 2));
  maybe_save (window, "light");

  /* the highlight follows the style: re-marked up when dark comes */
  light_markup = didact_samples_view_dup_hypothesis_markup (DIDACT_SAMPLES_VIEW (view), 0, 0);
  adw_style_manager_set_color_scheme (styles, ADW_COLOR_SCHEME_FORCE_DARK);
  texture = screenshot (view);
  dark_data = pixels (texture, &w, &h);
  g_object_unref (texture);
  dark_markup = didact_samples_view_dup_hypothesis_markup (DIDACT_SAMPLES_VIEW (view), 0, 0);
  g_test_message ("light: %s\ndark: %s", light_markup, dark_markup);
  g_assert_cmpstr (light_markup, !=, dark_markup);
  g_assert_cmpuint (count_highlighted (dark_markup, NULL), ==, 1);
  g_assert_cmpuint (count_near (dark_data, w, h, &arm_colors[0], 6), >=, 40);
  maybe_save (window, "dark");

  /* and back */
  adw_style_manager_set_color_scheme (styles, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_clear_pointer (&dark_markup, g_free);
  texture = screenshot (view);
  g_object_unref (texture);
  dark_markup = didact_samples_view_dup_hypothesis_markup (DIDACT_SAMPLES_VIEW (view), 0, 0);
  g_assert_cmpstr (light_markup, ==, dark_markup);

  /* updates in place while shown */
  didact_samples_view_set_hypothesis (DIDACT_SAMPLES_VIEW (view), 0, 1, "i have no time at all .", 70);
  g_assert_cmpuint (didact_samples_view_get_n_changed (DIDACT_SAMPLES_VIEW (view), 0, 1), ==, 2);
  texture = screenshot (view);
  g_object_unref (texture);
  g_assert_true (has_label (view, "i have no time at all ."));
  g_assert_true (has_label (view, "BLEU 70.0"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* numbers as the C locale writes them */
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/samples-view/changed/by-hand", test_changed_by_hand);
  g_test_add_func ("/samples-view/changed/random", test_changed_random);
  g_test_add_func ("/samples-view/markup-escaped", test_markup_escaped);
  g_test_add_func ("/samples-view/bleu", test_bleu);
  g_test_add_func ("/samples-view/empty", test_empty);
  g_test_add_func ("/samples-view/arms", test_arms);
  g_test_add_func ("/samples-view/window", test_window);

  return g_test_run ();
}
